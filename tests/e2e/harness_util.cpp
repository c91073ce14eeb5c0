// File, SQLite, encoding and socket helpers of the e2e harness.

#include "harness.hpp"

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <regex>
#include <sqlite3.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace e2e {

void fail_errno(const std::string& what, int error)
{
  // GNU strerror_r: unlike strerror, safe beside the fake servers' threads.
  std::array<char, 256> buffer{};
  throw std::runtime_error(what + ": "
                           + ::strerror_r(error, buffer.data(), buffer.size()));
}

std::string read_file(const std::string& path)
{
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    return {};
  }
  std::ostringstream data;
  data << stream.rdbuf();
  return data.str();
}

bool file_exists(const std::string& path)
{
  struct stat info
  {};
  return ::lstat(path.c_str(), &info) == 0;
}

unsigned file_mode(const std::string& path)
{
  struct stat info
  {};
  if (::stat(path.c_str(), &info) != 0) {
    fail_errno("stat " + path, errno);
  }
  return static_cast<unsigned>(info.st_mode) & 07777U;
}

void set_mode(const std::string& path, unsigned mode)
{
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    fail_errno("chmod " + path, errno);
  }
}

namespace {

struct Database
{
  sqlite3* db = nullptr;
  Database(const std::string& path, int flags)
  {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      const std::string message = db != nullptr ? sqlite3_errmsg(db) : "?";
      sqlite3_close(db);
      throw std::runtime_error("sqlite open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db, 10000);
  }
  ~Database()
  {
    sqlite3_close(db);
  }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
};

} // namespace

std::string sql_value(const std::string& db_path, const std::string& sql)
{
  const Database database(db_path, SQLITE_OPEN_READONLY);
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(database.db, sql.c_str(), -1, &statement, nullptr)
      != SQLITE_OK) {
    throw std::runtime_error("sql: " + sql + ": "
                             + sqlite3_errmsg(database.db));
  }
  std::string value;
  const int step = sqlite3_step(statement);
  if (step == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(statement, 0);
    value = text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
  } else if (step != SQLITE_DONE) {
    const std::string message = sqlite3_errmsg(database.db);
    sqlite3_finalize(statement);
    throw std::runtime_error("sql: " + sql + ": " + message);
  }
  sqlite3_finalize(statement);
  return value;
}

void sql_exec(const std::string& db_path, const std::string& sql)
{
  const Database database(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  char* error = nullptr;
  if (sqlite3_exec(database.db, sql.c_str(), nullptr, nullptr, &error)
      != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error("sql: " + sql + ": " + message);
  }
}

WalHolder::WalHolder(const std::string& db_path)
{
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr)
      != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("sqlite open " + db_path);
  }
  m_db = db;
  // A first read maps the -shm; the connection then stays idle (no open
  // transaction, so it blocks no writer and no checkpoint).
  if (sqlite3_exec(
          db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr)
      != SQLITE_OK) {
    throw std::runtime_error("sqlite read " + db_path);
  }
}

WalHolder::~WalHolder()
{
  sqlite3_close(static_cast<sqlite3*>(m_db));
}

bool contains(std::string_view haystack, std::string_view needle)
{
  return !needle.empty() && haystack.find(needle) != std::string_view::npos;
}

std::string base64(std::string_view data)
{
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const auto n =
        (static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16U)
        | (static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8U)
        | static_cast<unsigned>(static_cast<unsigned char>(data[i + 2]));
    out += k_alphabet[(n >> 18U) & 63U];
    out += k_alphabet[(n >> 12U) & 63U];
    out += k_alphabet[(n >> 6U) & 63U];
    out += k_alphabet[n & 63U];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(data[i]))
                 << 16U;
    if (rest == 2) {
      n |= static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8U;
    }
    out += k_alphabet[(n >> 18U) & 63U];
    out += k_alphabet[(n >> 12U) & 63U];
    out += rest == 2 ? k_alphabet[(n >> 6U) & 63U] : '=';
    out += '=';
  }
  return out;
}

std::string hex(std::string_view data)
{
  static constexpr std::string_view k_hex = "0123456789abcdef";
  std::string out;
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    out += k_hex[byte >> 4U];
    out += k_hex[byte & 15U];
  }
  return out;
}

std::string wrong_code(const std::string& code)
{
  std::string wrong = code;
  if (!wrong.empty()) {
    wrong.back() =
        wrong.back() == '9' ? '0' : static_cast<char>(wrong.back() + 1);
  }
  return wrong;
}

bool is_challenge_id(std::string_view text)
{
  static const std::regex k_id("ch_[0-9a-f]{24}");
  return std::regex_match(std::string(text), k_id);
}

int closed_port()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fail_errno("socket", errno);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): socket API
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd, generic, size) != 0
      || ::getsockname(fd, generic, &size) != 0) {
    const int error = errno;
    ::close(fd);
    fail_errno("bind", error);
  }
  ::close(fd); // never listened: connecting now is refused
  return ntohs(address.sin_port);
}

} // namespace e2e
