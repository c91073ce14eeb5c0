#include "fault_util.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace e2e {

Result run_wrapped(const Sandbox& box,
                   const std::vector<std::string>& prefix,
                   const std::vector<std::string>& args)
{
  std::vector<std::string> argv = prefix;
  argv.emplace_back(SMSOTP_E2E_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return spawn(argv, box.environment(), box.dir(), std::nullopt).finish();
}

std::vector<std::string> as_nobody()
{
  return {"/usr/bin/setpriv",
          "--reuid=" + std::to_string(k_nobody),
          "--regid=" + std::to_string(k_nobody),
          "--clear-groups"};
}

std::vector<std::string> with_file_size_limit(std::int64_t bytes)
{
  return {"/usr/bin/prlimit", "--fsize=" + std::to_string(bytes)};
}

namespace {

// The absolute path of `program`, or "".
std::string find_program(const std::string& program)
{
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"}) {
    const std::string path = dir + program;
    if (::access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return {};
}

} // namespace

bool have_program(const std::string& program)
{
  return !find_program(program).empty();
}

int run_command(std::vector<std::string> argv)
{
  argv.front() = find_program(argv.front());
  if (argv.front().empty()) {
    return 127;
  }
  const auto result =
      spawn(argv, {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, "/", std::nullopt)
          .finish();
  return result.exit_code;
}

void chown_path(const std::string& path, unsigned uid)
{
  if (::lchown(path.c_str(), uid, uid) != 0) {
    throw std::runtime_error("chown " + path);
  }
}

void poke(const std::string& path,
          std::int64_t offset,
          const std::string& bytes)
{
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(offset);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) {
    throw std::runtime_error("cannot write " + path);
  }
}

void flip_byte(const std::string& path, std::int64_t offset, unsigned char mask)
{
  const std::string content = read_file(path);
  if (offset < 0 || static_cast<std::size_t>(offset) >= content.size()) {
    throw std::runtime_error("offset past the end of " + path);
  }
  const auto byte =
      static_cast<unsigned char>(content[static_cast<std::size_t>(offset)]);
  poke(path, offset, std::string(1, static_cast<char>(byte ^ mask)));
}

namespace {

std::int64_t
big_endian(const std::string& bytes, std::size_t at, std::size_t width)
{
  std::int64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes.at(at + i));
  }
  return value;
}

} // namespace

std::int64_t page_size(const std::string& db_path)
{
  const std::int64_t size = big_endian(read_file(db_path), 16, 2);
  return size == 1 ? 65536 : size;
}

std::int64_t page_offset(const std::string& db_path, std::int64_t page)
{
  return (page - 1) * page_size(db_path);
}

std::int64_t first_leaf(const std::string& db_path, std::int64_t root)
{
  const std::string bytes = read_file(db_path);
  std::int64_t page = root;
  while (true) {
    // Page 1 starts with the 100-byte file header.
    const auto start = static_cast<std::size_t>(page_offset(db_path, page)
                                                + (page == 1 ? 100 : 0));
    const auto type = static_cast<unsigned char>(bytes.at(start));
    if (type == 0x0d) {
      return page;
    }
    if (type != 0x05) {
      throw std::runtime_error("not a table b-tree page");
    }
    // Interior page: 12-byte header, then cell pointers; each cell starts
    // with its 4-byte left child.
    const auto cell = static_cast<std::size_t>(big_endian(bytes, start + 12, 2))
                      + static_cast<std::size_t>(page_offset(db_path, page));
    page = big_endian(bytes, cell, 4);
  }
}

std::string integrity(const std::string& db_path)
{
  // On a copy of the database and its -wal, opened read-write: a read-only
  // connection cannot replay a -wal that a killed process left behind, and
  // the replay must not change what the next smsotp finds.
  const std::string copy = db_path + ".check";
  std::filesystem::remove_all(copy);
  std::filesystem::create_directories(copy);
  std::filesystem::copy_file(db_path, copy + "/db");
  if (file_exists(db_path + "-wal")) {
    std::filesystem::copy_file(db_path + "-wal", copy + "/db-wal");
  }
  sql_exec(copy + "/db", "SELECT 1");
  const std::string result = sql_value(copy + "/db", "PRAGMA integrity_check");
  std::filesystem::remove_all(copy);
  return result;
}

} // namespace e2e
