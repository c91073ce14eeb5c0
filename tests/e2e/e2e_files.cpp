// Files smsotp creates: private modes even under umask 000, the default
// locations under XDG_STATE_HOME / HOME, and foreign files left alone.

#include "steps.hpp"

using namespace e2e;

TEST_CASE("database and key files are 0600 under umask 000")
{
  const Sandbox box;
  const std::string config = box.file_config();
  RunOptions open_umask;
  open_umask.umask_zero = true;
  // The wrapper really runs smsotp under umask 000.
  const auto probe = spawn({"/bin/sh", "-c", "umask 000 && umask"},
                           box.environment(),
                           box.dir(),
                           std::nullopt)
                         .finish();
  REQUIRE(probe.out == "0000\n");

  const auto sent = box.run({"-c", config, "send", "--to", k_to}, open_umask);
  REQUIRE(sent.exit_code == 0);
  CHECK(file_mode(box.db()) == 0600);
  CHECK(file_mode(box.key_file()) == 0600);
  CHECK(file_mode(box.outbox()) == 0600);
  CHECK(file_mode(box.path("state")) == 0700);
  // -wal and -shm exist while another connection is open.
  const WalHolder holder(box.db());
  const std::string code = box.last_code();
  CHECK(box.run({"-c", config, "verify", "--to", k_to, wrong_code(code)},
                open_umask)
            .exit_code
        == 1);
  REQUIRE(file_exists(box.db() + "-wal"));
  REQUIRE(file_exists(box.db() + "-shm"));
  CHECK(file_mode(box.db() + "-wal") == 0600);
  CHECK(file_mode(box.db() + "-shm") == 0600);
}

TEST_CASE("the default database lives under XDG_STATE_HOME")
{
  const Sandbox box;
  const std::string config =
      box.write_file("nodb.toml",
                     std::string(k_allow_all) + k_no_limits
                         + "[provider.outbox]\nkind = \"file\"\npath = \""
                         + box.outbox() + "\"\n");
  RunOptions options;
  options.umask_zero = true;
  options.env.push_back("XDG_STATE_HOME=" + box.path("xdg-state"));
  const std::string code = send_code(box, config, {}, k_to, options);
  const std::string state = box.path("xdg-state/smsotp");
  CHECK(file_mode(state) == 0700);
  CHECK(file_mode(state + "/state.db") == 0600);
  CHECK(file_mode(state + "/smsotp.key") == 0600);
  CHECK_FALSE(file_exists(box.path("home/.local/state/smsotp")));
  CHECK(verify(box, config, code, {}, k_to, options).exit_code == 0);
  // --db wins over the default; the key goes next to it.
  const std::string other = box.path("elsewhere/other.db");
  CHECK(box.run({"-c", config, "--db", other, "send", "--to", k_to}, options)
            .exit_code
        == 0);
  CHECK(file_exists(other));
  CHECK(file_exists(box.path("elsewhere/smsotp.key")));
}

TEST_CASE("the default database falls back to HOME without XDG_STATE_HOME")
{
  const Sandbox box;
  const std::string config =
      box.write_file("nodb.toml",
                     std::string(k_allow_all) + k_no_limits
                         + "[provider.outbox]\nkind = \"file\"\npath = \""
                         + box.outbox() + "\"\n");
  RunOptions unset;
  unset.unset.push_back("XDG_STATE_HOME");
  RunOptions relative; // a relative XDG_STATE_HOME is ignored (XDG spec)
  relative.env.push_back("XDG_STATE_HOME=relative/state");
  for (const auto* options : {&unset, &relative}) {
    const std::string code = send_code(box, config, {}, k_to, *options);
    CHECK(file_exists(box.path("home/.local/state/smsotp/state.db")));
    CHECK(verify(box, config, code, {}, k_to, *options).exit_code == 0);
  }
  CHECK_FALSE(file_exists(box.path("relative")));
}

TEST_CASE("the config file is found through SMSOTP_CONFIG and XDG_CONFIG_HOME")
{
  const Sandbox box;
  const std::string text = "[store]\ndatabase = \"" + box.db() + "\"\n"
                           + k_allow_all + k_no_limits
                           + "[provider.outbox]\nkind = \"file\"\npath = "
                             "\""
                           + box.outbox() + "\"\n";
  box.write_file("home/.config/smsotp/config.toml", text, 0600);
  // No --config: $XDG_CONFIG_HOME/smsotp/config.toml.
  const auto implicit = box.run({"send", "--to", k_to});
  CHECK(implicit.exit_code == 0);
  CHECK(box.outbox_count() == 1);
  // SMSOTP_CONFIG beats it, --config beats both.
  const std::string other_outbox = box.path("other-outbox.txt");
  const std::string other = box.write_file(
      "other.toml",
      "[store]\ndatabase = \"" + box.db() + "\"\n" + k_allow_all + k_no_limits
          + "[provider.outbox]\nkind = \"file\"\npath = \"" + other_outbox
          + "\"\n");
  RunOptions env;
  env.env.push_back("SMSOTP_CONFIG=" + other);
  CHECK(box.run({"send", "--to", k_to}, env).exit_code == 0);
  CHECK(contains(read_file(other_outbox), k_to));
  CHECK(box.run({"-c",
                 box.path("home/.config/smsotp/config.toml"),
                 "send",
                 "--to",
                 k_to},
                env)
            .exit_code
        == 0);
  CHECK(box.outbox_count() == 2);
}

TEST_CASE("an empty database file is initialised")
{
  const Sandbox box;
  const std::string config = box.file_config();
  box.write_file("state/state.db", "", 0600);
  const std::string code = send_code(box, config);
  CHECK(verify(box, config, code).exit_code == 0);
  CHECK(sql_value(box.db(), "PRAGMA user_version") == "5");
  CHECK(sql_value(box.db(), "PRAGMA journal_mode") == "wal");
}
