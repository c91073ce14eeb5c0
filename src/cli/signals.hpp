#pragma once

// SIGINT/SIGTERM handling (Cracauer's "wait and cooperative exit"): the
// handler only records the signal; work stops at the next safe point, and
// at exit the default handler is restored and the signal re-raised, so a
// calling shell loop sees the death by signal ($? = 130 or 143).

namespace smsotp::cli {

void install_signal_handlers();

// Throws Error(interrupted) if a signal arrived.
void check_interrupted();

// If a signal arrived, re-raises it (does not return); otherwise returns.
void reraise_pending_signal();

} // namespace smsotp::cli
