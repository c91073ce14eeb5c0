// The generic `http` kind: its templates (url, body fields, JSON body,
// headers) and its success/failure rules (status list, JSON pointer,
// regexes). Input: "KEYS\n%%\nMESSAGE TEXT\n%%\nANSWER", where KEYS are TOML
// lines of a [provider.g] table of kind "http", and ANSWER is a header
// line and body as in answer_support.hpp. The table is loaded as from a
// config file, the send request is built as --dry-run shows it (secrets
// redacted, nothing sent), and the answer is read by send_outcome and
// check_outcome.

#include "answer_support.hpp"
#include "core/config.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parts = fuzz::split_parts(text, 3);
  fuzz::expect_only_errors("gateway", [&] {
    core::Config config;
    core::parse_config_text(config,
                            "[provider.g]\nkind = \"http\"\n" + parts[0],
                            "fuzz.toml",
                            fuzz::temp_dir());
    const auto* spec = config.find_provider("g");
    if (spec == nullptr || spec->kind != "http") {
      return;
    }
    const auto owner = provider::make_provider(*spec, {});
    const auto* http = dynamic_cast<const provider::HttpProvider*>(owner.get());
    if (http == nullptr) {
      fuzz::fuzz_fail("gateway", "the http kind is not an HttpProvider");
    }
    const auto request = http->describe_request({"+15558675310", parts[1]});
    // Headers are lines of the description up to the blank line; a CR or
    // LF smuggled into one would be header injection.
    const auto head = request.substr(0, request.find("\n\n"));
    if (head.find('\r') != std::string::npos) {
      fuzz::fuzz_fail("gateway", "a carriage return in the request head");
    }
    std::string body;
    const auto header = fuzz::first_line(parts[2], body);
    fuzz::check_answer("gateway", *http, fuzz::parse_answer(header, body));
  });
  return 0;
}
