#include "core/config_depth.hpp"

#include <algorithm>
#include <vector>

namespace smsotp::core {

namespace {

// What the scanner expects next.
enum class Mode
{
  statement, // start of a top-level line: a key, a header or nothing
  key,       // parts of a (dotted) key, up to its '='
  value,     // a value, or what may follow one inside an array/inline table
};

class NestingScanner
{
public:
  NestingScanner(std::string_view text, int limit)
      : m_text(text), m_limit(limit)
  {}

  std::optional<NestingProblem> run()
  {
    while (m_pos < m_text.size() && !m_problem_at) {
      switch (m_mode) {
        case Mode::statement:
          statement_step();
          break;
        case Mode::key:
          key_step();
          break;
        case Mode::value:
          value_step();
          break;
      }
    }
    if (!m_problem_at) {
      return std::nullopt;
    }
    return position_of(*m_problem_at);
  }

private:
  // An open array or inline table and the depth to return to when it closes.
  struct Open
  {
    char bracket;
    int depth_before;
  };

  static bool is_blank(char c)
  {
    return c == ' ' || c == '\t' || c == '\r';
  }

  // Enters one level at the current position; records the first one that
  // goes over the limit.
  void descend()
  {
    ++m_depth;
    if (m_depth > m_limit && !m_problem_at) {
      m_problem_at = m_pos;
    }
  }

  void statement_step()
  {
    const char c = m_text[m_pos];
    if (is_blank(c) || c == '\n') {
      ++m_pos;
    } else if (c == '#') {
      skip_comment();
    } else if (c == '[') {
      header();
    } else {
      start_key(m_header_depth);
    }
  }

  void start_key(int base_depth)
  {
    m_mode = Mode::key;
    m_depth = base_depth;
    m_expect_part = true;
  }

  // A key part (bare or quoted) begins at m_pos.
  void key_part()
  {
    if (m_expect_part) {
      descend();
      m_expect_part = false;
    }
  }

  void key_step()
  {
    const char c = m_text[m_pos];
    if (c == '"' || c == '\'') {
      key_part();
      skip_string();
    } else if (c == '.') {
      m_expect_part = true;
      ++m_pos;
    } else if (c == '=') {
      m_mode = Mode::value;
      ++m_pos;
    } else if (c == '}' || c == ']') {
      close();
    } else if (c == '\n' && m_open.empty()) {
      m_mode = Mode::statement; // not TOML; the parser says so
      ++m_pos;
    } else if (c == '#') {
      skip_comment();
    } else if (is_blank(c) || c == '\n' || c == ',') {
      ++m_pos;
    } else {
      key_part();
      ++m_pos;
    }
  }

  void value_step()
  {
    const char c = m_text[m_pos];
    if (c == '"' || c == '\'') {
      skip_string();
    } else if (c == '#') {
      skip_comment();
    } else if (c == '\n') {
      if (m_open.empty()) {
        m_mode = Mode::statement;
      }
      ++m_pos;
    } else if (c == '[') {
      m_open.push_back({c, m_depth});
      descend();
      ++m_pos;
    } else if (c == '{') {
      // The inline table is the value itself; its keys are one level down.
      // Valid TOML never has more open brackets than levels; this bounds
      // `{ = { = ...`, which is not TOML, just as well.
      if (static_cast<int>(m_open.size()) >= m_limit) {
        m_problem_at = m_pos;
        return;
      }
      m_open.push_back({c, m_depth});
      ++m_pos;
      start_key(m_depth);
    } else if (c == ']' || c == '}') {
      close();
    } else if (c == ',' && !m_open.empty() && m_open.back().bracket == '{') {
      ++m_pos;
      start_key(m_open.back().depth_before);
    } else {
      ++m_pos;
    }
  }

  void close()
  {
    if (!m_open.empty()) {
      m_depth = m_open.back().depth_before;
      m_open.pop_back();
    }
    m_mode = Mode::value;
    ++m_pos;
  }

  // `[a.b]` or `[[a.b]]`: its parts are the depth of the keys below it.
  void header()
  {
    ++m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '[') {
      ++m_pos;
    }
    m_depth = 0;
    m_expect_part = true;
    while (m_pos < m_text.size() && !m_problem_at) {
      const char c = m_text[m_pos];
      if (c == ']' || c == '\n' || c == '#') {
        break;
      }
      if (c == '"' || c == '\'') {
        key_part();
        skip_string();
      } else if (c == '.') {
        m_expect_part = true;
        ++m_pos;
      } else if (is_blank(c)) {
        ++m_pos;
      } else {
        key_part();
        ++m_pos;
      }
    }
    m_header_depth = m_depth;
    // The rest of the line ("]", "]]", a comment) scans like a value's end.
    while (m_pos < m_text.size() && m_text[m_pos] == ']') {
      ++m_pos;
    }
    m_mode = Mode::value;
  }

  // From '#' up to (not including) the end of the line.
  void skip_comment()
  {
    const auto end = m_text.find('\n', m_pos);
    m_pos = end == std::string_view::npos ? m_text.size() : end;
  }

  // A basic or literal string, single- or multi-line, starting at m_pos.
  void skip_string()
  {
    const char quote = m_text[m_pos];
    const bool escapes = quote == '"';
    const std::string_view triple = escapes ? R"(""")" : "'''";
    if (m_text.substr(m_pos, 3) == triple) {
      m_pos += 3;
      while (m_pos < m_text.size()) {
        if (escapes && m_text[m_pos] == '\\') {
          m_pos += 2;
        } else if (m_text.substr(m_pos, 3) == triple) {
          m_pos += 3;
          // Up to two more quotes belong to the content: `"""a"""""`.
          for (int extra = 0;
               extra < 2 && m_pos < m_text.size() && m_text[m_pos] == quote;
               ++extra) {
            ++m_pos;
          }
          return;
        } else {
          ++m_pos;
        }
      }
      return;
    }
    ++m_pos;
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos];
      if (c == '\n') {
        return; // unterminated: the parser reports it
      }
      if (c == quote) {
        ++m_pos;
        return;
      }
      if (escapes && c == '\\' && m_pos + 1 < m_text.size()
          && m_text[m_pos + 1] != '\n') {
        m_pos += 2;
      } else {
        ++m_pos;
      }
    }
  }

  [[nodiscard]] NestingProblem position_of(std::size_t offset) const
  {
    const auto before = m_text.substr(0, offset);
    const auto line_start = before.rfind('\n');
    const std::size_t column =
        line_start == std::string_view::npos ? offset + 1 : offset - line_start;
    return {static_cast<int>(std::count(before.begin(), before.end(), '\n'))
                + 1,
            static_cast<int>(column)};
  }

  std::string_view m_text;
  int m_limit;
  std::size_t m_pos = 0;
  Mode m_mode = Mode::statement;
  int m_depth = 0;
  int m_header_depth = 0;
  bool m_expect_part = false;
  // Bounded: the scan stops at the first level over the limit.
  std::vector<Open> m_open;
  std::optional<std::size_t> m_problem_at;
};

} // namespace

std::optional<NestingProblem> find_excess_nesting(std::string_view text,
                                                  int limit)
{
  return NestingScanner(text, limit).run();
}

} // namespace smsotp::core
