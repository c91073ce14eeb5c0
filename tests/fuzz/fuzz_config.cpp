// Config loader: file text -> Config, through the CLI's own entry point
// (cli::make_context: read the file, parse TOML, apply the environment,
// validate the message settings), then every provider table is built the
// way `smsotp providers` does (keys and templates checked, no secret read,
// no request made). Bad text must be a config or permission error
// (78/77), never a crash: defect 4 (SIGSEGV on 50 000 nested tables) is
// the kind of input this finds.

#include "cli/context.hpp"
#include "fuzz_support.hpp"
#include "provider/base/provider.hpp"
#include "util/clock.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // 0600: a private config may hold inline secrets, so more of the loader
  // runs than for a readable one.
  const auto path = fuzz::write_temp_file("config.toml", text, 0600);
  fuzz::expect_only_errors("config", [&] {
    cli::GlobalOptions options;
    options.config_path = path;
    options.quiet = true;
    const cli::Output out(options);
    const util::SystemClock clock;
    const auto context = cli::make_context(options, out, clock);
    provider::ProviderContext provider_context;
    provider_context.config_private = context.config.file_private;
    for (const auto& spec : context.config.providers) {
      fuzz::expect_only_errors("config", [&] {
        const auto provider = provider::make_provider(spec, provider_context);
        static_cast<void>(provider->info());
      });
    }
    static_cast<void>(core::describe_settings(context.config));
  });
  return 0;
}
