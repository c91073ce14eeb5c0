#pragma once

// Helpers for the fault and kill tests: run smsotp under a wrapper
// (setpriv, prlimit, strace), damage database files at chosen bytes, and
// hand files to another user. CI runs as root, so "another user" is nobody
// (65534) and permission denials are tested as nobody.

#include "harness.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace e2e {

inline constexpr unsigned k_nobody = 65534;

// Runs `prefix... smsotp args...` with the sandbox's environment in its
// directory.
Result run_wrapped(const Sandbox& box,
                   const std::vector<std::string>& prefix,
                   const std::vector<std::string>& args);

// Prefix: run as uid/gid 65534 without supplementary groups.
std::vector<std::string> as_nobody();

// Prefix: RLIMIT_FSIZE of `bytes`. SIGXFSZ keeps its default action (the
// process is killed) unless smsotp ignores it itself, as it must.
std::vector<std::string> with_file_size_limit(std::int64_t bytes);

// True if `program` is found in /usr/bin, /bin or /usr/sbin.
bool have_program(const std::string& program);

// Runs a helper command (mount, umount) found in /usr/bin, /bin,
// /usr/sbin or /sbin; returns its exit status (127: not found).
int run_command(std::vector<std::string> argv);

void chown_path(const std::string& path, unsigned uid);

// XORs the byte at `offset` of `path` with `mask`.
void flip_byte(const std::string& path,
               std::int64_t offset,
               unsigned char mask = 0xff);

// Overwrites bytes of `path` at `offset`.
void poke(const std::string& path,
          std::int64_t offset,
          const std::string& bytes);

// The database's page size, from its header.
std::int64_t page_size(const std::string& db_path);

// The byte offset of page `page` (1-based).
std::int64_t page_offset(const std::string& db_path, std::int64_t page);

// The first leaf page of the table b-tree rooted at `root`: the page that
// holds the rows with the lowest rowids.
std::int64_t first_leaf(const std::string& db_path, std::int64_t root);

// "ok" or the first problem PRAGMA integrity_check reports.
std::string integrity(const std::string& db_path);

} // namespace e2e
