// Template renderer and segment counter. Input: "TEMPLATE\n%%\nCODE\n%%\nAPP"
// (missing parts use defaults). A template that validate_template accepts
// must render with the code in it; measure() must accept what render()
// produced from valid UTF-8 and count at least one segment; arbitrary bytes
// go through measure() too (Error(config) for bad UTF-8 is expected).

#include "fuzz_support.hpp"
#include "message/encoding.hpp"
#include "message/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parts = fuzz::split_parts(text, 3);
  fuzz::expect_only_errors("message",
                           [&] { static_cast<void>(message::measure(text)); });
  fuzz::expect_only_errors("message", [&] {
    const auto& tmpl = parts[0];
    message::validate_template(tmpl, "fuzz");
    message::TemplateValues values;
    values.code = parts[1].empty() ? "123456" : parts[1].substr(0, 10);
    values.app = parts[2].empty() ? "smsotp" : parts[2];
    values.purpose = "login";
    // Values are ASCII in practice (code digits, app name); keep them so
    // that a UTF-8 error below is the template's.
    for (auto* value : {&values.code, &values.app}) {
      for (auto& c : *value) {
        c = static_cast<char>((static_cast<unsigned char>(c) % 95U) + 32U);
      }
    }
    const auto rendered = message::render(tmpl, values);
    if (rendered.find(values.code) == std::string::npos) {
      fuzz::fuzz_fail("message", "rendered text lacks the code");
    }
    const auto info = message::measure(rendered);
    if (info.segments < 1 || info.units > rendered.size() * 2) {
      fuzz::fuzz_fail("message", "implausible segment count");
    }
    static_cast<void>(message::group_code(values.code));
  });
  return 0;
}
