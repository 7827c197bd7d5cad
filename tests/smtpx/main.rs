//! The one integration-test binary. Each module states what it covers; all of them talk only to
//! servers inside this process (or, for `interop`, to the loopback Postfix that
//! `scripts/interop/setup.sh` starts).

mod support;

mod cli;
mod explain;
mod interop;
mod probe_ports;
mod send;
mod test_auth;
mod trace;
mod trace_dns;
mod trace_failures;
mod trace_tls;
