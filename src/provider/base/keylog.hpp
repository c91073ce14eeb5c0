#pragma once

// SSLKEYLOGFILE: libcurl's TLS back end would write every TLS session key
// to the file it names, which lets anyone who can read that file decrypt
// provider credentials and codes. It is removed from the environment
// before the transport first sets up TLS; the command then warns. No curl
// here: this stays in the executable while the transport may be loaded
// apart from it.

namespace smsotp::provider {

// Removes SSLKEYLOGFILE from this process's environment if it is set.
// Must run before the first transport exchange (HttpProvider does it);
// harmless to repeat.
void drop_keylog_file();

// True once if drop_keylog_file() removed a set SSLKEYLOGFILE. The caller
// prints the warning.
bool take_keylog_warning();

} // namespace smsotp::provider
