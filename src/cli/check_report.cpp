#include "cli/check_report.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace smsotp::cli {

namespace {

// The length of the UTF-8 sequence starting at text[i] if it is valid and
// encodes a character XML 1.0 allows, else 0.
std::size_t xml_char_length(std::string_view text, std::size_t i)
{
  const auto byte = [&text](std::size_t at) {
    return static_cast<unsigned char>(text[at]);
  };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    const bool allowed =
        lead >= 0x20 || lead == '\t' || lead == '\n' || lead == '\r';
    return allowed ? 1 : 0;
  }
  std::size_t length = 0;
  std::uint32_t point = 0;
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    point = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    point = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    point = lead & 0x07U;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0U) != 0x80U) {
      return 0;
    }
    point = (point << 6U) | (byte(i + k) & 0x3FU);
  }
  static constexpr std::array<std::uint32_t, 5> k_smallest{
      0, 0, 0x80, 0x800, 0x10000};
  const bool allowed =
      point >= k_smallest.at(length)
      && (point <= 0xD7FF || (point >= 0xE000 && point <= 0xFFFD)
          || (point >= 0x10000 && point <= 0x10FFFF));
  return allowed ? length : 0;
}

// GitHub workflow command escaping: '%', CR and LF always; ':' and ','
// also inside a property value.
std::string command_escape(std::string_view text, bool property)
{
  std::string out;
  for (const char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string seconds(std::int64_t milliseconds)
{
  // "1.234": JUnit times are seconds with a decimal fraction.
  const std::int64_t whole = std::max<std::int64_t>(milliseconds, 0);
  std::string fraction = std::to_string(whole % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(whole / 1000) + "." + fraction;
}

std::string status_name(const CheckEntry& entry)
{
  return std::string(core::check_status_name(entry.status));
}

} // namespace

std::optional<double> parse_amount(std::string_view text)
{
  const std::string copy(text);
  if (copy.empty() || copy.size() > 40
      || copy.find_first_not_of("0123456789.-+eE") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

nlohmann::json entry_json(const CheckEntry& entry)
{
  const auto or_null = [](const auto& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  return {
      {"name", entry.name},
      {"kind", entry.kind},
      {"ok", entry.ok()},
      {"status", status_name(entry)},
      {"detail", entry.detail},
      {"balance", or_null(entry.balance_value)},
      {"currency",
       entry.balance && entry.balance->currency
           ? nlohmann::json(*entry.balance->currency)
           : nlohmann::json(nullptr)},
      {"latency_ms", or_null(entry.latency_ms)},
      {"retry_after", or_null(entry.retry_after)},
      {"exit_code", entry.exit_code},
  };
}

std::string xml_escape(std::string_view text)
{
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = xml_char_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD"; // U+FFFD
      ++i;
      continue;
    }
    if (length > 1) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    switch (text[i]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      // Attribute values would turn these into spaces.
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += text[i];
    }
    ++i;
  }
  return out;
}

std::string junit_report(const std::vector<CheckEntry>& entries,
                         std::int64_t total_ms)
{
  std::size_t failures = 0;
  for (const auto& entry : entries) {
    if (!entry.ok()) {
      ++failures;
    }
  }
  const std::string counts = " tests=\"" + std::to_string(entries.size())
                             + "\" failures=\"" + std::to_string(failures)
                             + "\" errors=\"0\" time=\"" + seconds(total_ms)
                             + "\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<testsuites name=\"smsotp providers check\""
                    + counts
                    + ">\n"
                      "  <testsuite name=\"smsotp providers check\""
                    + counts + ">\n";
  for (const auto& entry : entries) {
    xml += "    <testcase classname=\"smsotp.providers."
           + xml_escape(entry.kind) + "\" name=\"" + xml_escape(entry.name)
           + "\" time=\"" + seconds(entry.latency_ms.value_or(0)) + "\">\n";
    if (!entry.ok()) {
      xml += "      <failure type=\"" + xml_escape(status_name(entry))
             + "\" message=\"" + xml_escape(entry.detail) + "\">"
             + xml_escape(status_name(entry) + ": " + entry.detail
                          + " (exit status " + std::to_string(entry.exit_code)
                          + ")")
             + "</failure>\n";
    }
    std::string out = "status " + status_name(entry) + "; " + entry.detail;
    if (entry.balance) {
      out += "; balance " + core::balance_text(entry.balance);
    }
    xml += "      <system-out>" + xml_escape(out) + "</system-out>\n";
    xml += "    </testcase>\n";
  }
  return xml + "  </testsuite>\n</testsuites>\n";
}

std::vector<std::string>
github_annotations(const std::vector<CheckEntry>& entries)
{
  std::vector<std::string> lines;
  for (const auto& entry : entries) {
    if (entry.ok()) {
      continue;
    }
    lines.push_back(
        "::error title="
        + command_escape("smsotp providers check: " + entry.name, true) + "::"
        + command_escape(entry.name + " (" + entry.kind
                             + "): " + status_name(entry) + ": " + entry.detail,
                         false));
  }
  return lines;
}

int finish(const Output& out,
           nlohmann::json result,
           core::ExitCode code,
           const std::string& message,
           std::optional<std::int64_t> retry_after)
{
  if (code != core::ExitCode::success) {
    // Until every command leaves through the one catch with extra JSON
    // fields, the error object joins the result here, in Output::error's
    // shape.
    if (out.json()) {
      nlohmann::json error{{"class", core::exit_class_name(code)},
                           {"exit_code", static_cast<int>(code)},
                           {"message", message}};
      if (retry_after) {
        error["retry_after"] = *retry_after;
      }
      result["error"] = error;
    } else {
      out.error(retry_after ? Error(code, message, *retry_after)
                            : Error(code, message));
    }
  }
  out.result(result);
  return static_cast<int>(code);
}

} // namespace smsotp::cli
