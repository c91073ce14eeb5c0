#include "cli/send_key.hpp"

#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/key_file.hpp"

namespace smsotp::cli {

namespace {

// Codes live at most this long (otp.ttl's upper bound).
constexpr std::int64_t k_longest_ttl = 600;

[[noreturn]] void refuse_new_key(const std::string& path,
                                 const core::KeyFileState& state,
                                 std::int64_t live)
{
  const std::string codes =
      std::to_string(live) + " code(s) issued with the original key";
  const std::string wait = "wait until they expire (at most "
                           + core::format_duration(k_longest_ttl) + ")";
  if (state.status == core::KeyFileState::Status::missing) {
    throw Error(core::ExitCode::config,
                "key file " + path + " is missing but " + codes
                    + " are still live; restore the key file, or " + wait);
  }
  throw Error(core::ExitCode::config,
              "key file " + path + " holds " + std::to_string(state.size)
                  + " bytes, not an smsotp key (damaged, e.g. by an "
                    "interrupted first send), and "
                  + codes + " are still live; restore the key file from a "
                  + "backup, or " + wait
                  + " and send again, which then replaces it");
}

} // namespace

core::Key key_for_send(const Context& context,
                       store::Store& store,
                       core::RandomSource& random)
{
  const std::string path = context.config.key_path();
  auto state = core::read_key_file(path);
  // The hot path: no directory listing here. Temporary files of a killed
  // creation are removed when a key is created or replaced, and by purge.
  if (state.status == core::KeyFileState::Status::valid) {
    return state.key;
  }
  if (state.status == core::KeyFileState::Status::wrong_size
      && !state.partial()) {
    throw Error(core::ExitCode::config,
                core::wrong_size_message(path, state.size));
  }
  // A new key would orphan codes issued under the lost or damaged one.
  if (const auto live = store.live_challenges(context.clock.now()); live > 0) {
    // A racing first send may have created the key meanwhile.
    state = core::read_key_file(path);
    if (state.status == core::KeyFileState::Status::valid) {
      return state.key;
    }
    refuse_new_key(path, state, live);
  }
  if (state.partial()) {
    context.out.warn("key file " + path + " held " + std::to_string(state.size)
                     + " of 32 bytes (an interrupted first send?) and no code "
                       "depends on it; replacing it with a new key");
  }
  return core::load_or_create_key(path, random, /*replace_partial=*/true);
}

} // namespace smsotp::cli
