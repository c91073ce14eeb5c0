#pragma once

// Who can replace a file: the directories on its path. A file that only
// trusted users can write is still unsafe if someone else can rename
// another file over it, which write permission on any directory above it
// allows (ssh's StrictModes reasons the same way).

#include <optional>
#include <string>
#include <sys/stat.h>

namespace smsotp::util {

// Describes why a directory lets others replace what is in it: owned by
// someone other than the caller or root, or writable by group or others
// without the sticky bit (with it, as in /tmp, only an entry's owner may
// rename or remove it). "" when safe. The caller adds the remedy.
std::string directory_problem(const struct stat& info);

// Checks every directory above `path`: those of the path as written (a
// symbolic link is only as safe as the directory holding it) and those of
// the file it resolves to. Returns "directory D: <problem>" for the first
// unsafe one, "" when all are safe. Directories that cannot be examined
// are skipped (opening the file reports those).
std::string unsafe_directory_above(const std::string& path);

// The same check, for callers that name the directory in their remedy.
struct UnsafeDirectory
{
  std::string directory;
  std::string problem; // as directory_problem() says it
};
std::optional<UnsafeDirectory>
first_unsafe_directory_above(const std::string& path);

} // namespace smsotp::util
