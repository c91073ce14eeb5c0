#include "cli/version.hpp"

#include "core/build_info.hpp"
#include "core/error.hpp"
#include "core/module.hpp"
#include "provider/base/provider.hpp"
#include "store/store.hpp"
#include "util/string.hpp"

namespace smsotp::cli {

namespace {

struct Library
{
  const char* key;  // JSON key
  const char* name; // as people write it
  std::string version;
  const char* source; // "runtime": in use now; "build": built against
  const char* note;   // what the text line adds
};

} // namespace

void print_version(const Output& out)
{
  const auto info = core::build_info();
  const std::vector<Library> libraries{
      {"openssl", "OpenSSL", info.openssl, "runtime", "in use"},
      {"sqlite",
       "SQLite",
       store::sqlite_library_version(),
       "runtime",
       "in use"},
      {"libcurl",
       "libcurl",
       info.curl,
       "build",
       "built against; the http module loads it when a provider is used"},
      {"libphonenumber",
       "libphonenumber metadata",
       info.phonenumber,
       "build",
       "built against; the phone module loads it for numbers not in E.164"},
      {"libpq",
       "libpq",
       info.libpq,
       "build",
       "built against; the postgresql module loads it for a PostgreSQL "
       "store"},
  };
  const auto kinds = provider::provider_kinds();
  const auto backends = store::backend_names();
  std::string modules;
  try {
    modules = core::module_directory();
  } catch (const Error&) {
    modules = "unknown (/proc/self/exe cannot be read)";
  }

  out.data("smsotp " + info.version);
  out.data("commit: " + info.commit);
  out.data("build type: " + info.build_type);
  for (const auto& library : libraries) {
    out.data(std::string(library.name) + ": " + library.version + " ("
             + library.note + ")");
  }
  out.data("provider kinds: " + util::join(kinds, ", "));
  out.data("store backends: " + util::join(backends, ", "));
  out.data("modules: " + modules);

  nlohmann::json versions = nlohmann::json::object();
  for (const auto& library : libraries) {
    versions[library.key] = {{"version", library.version},
                             {"source", library.source}};
  }
  out.result({{"name", "smsotp"},
              {"version", info.version},
              {"commit", info.commit},
              {"build_type", info.build_type},
              {"libraries", versions},
              {"provider_kinds", kinds},
              {"store_backends", backends},
              {"module_directory", modules}});
}

} // namespace smsotp::cli
