#!/usr/bin/env python3
"""The attack suite over real sockets (SECURITY-PLAN.md §3.3, CTest label `attack`):

    socket_attacks.py --h2serve PATH CASE

Each case starts its own h2serve on 127.0.0.1 (port 0), measures a canary's baseline, then runs
the attack (or the legitimate heavy use) with the canary beside it, and checks the server's
reaction, its memory (VmRSS) against a bound, the canary, and that its open sockets return to
where they were. Exit 0 = pass. Under sanitizers (LIBH2_SANITIZED) the canary's latency floor is
1 s instead of 250 ms and the memory bounds are doubled; exit 77 (skipped) for a case that
cannot run under sanitizers.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack_cases as a  # noqa: E402
import attack_cases_2026 as b  # noqa: E402
import attack_cases_more as more  # noqa: E402
import fault_cases as fault  # noqa: E402
import legit_cases as legit  # noqa: E402
import websocket_cases as ws  # noqa: E402
from harness import Case, run_case  # noqa: E402

HANDSHAKE = ("--handshake-timeout", "2")
CASES = {
    "SEC01_ping_flood_not_reading": Case(a.sec01_ping_flood_not_reading),
    "SEC02_oversized_settings": Case(a.sec02_oversized_settings),
    "SEC03_reset_flood_malformed_requests": Case(a.sec03_reset_flood_malformed_requests),
    "SEC04_rapid_reset": Case(a.sec04_rapid_reset),
    "SEC05_made_you_reset": Case(a.sec05_made_you_reset),
    "SEC06_continuation_flood": Case(a.sec06_continuation_flood),
    "SEC06_empty_continuations": Case(a.sec06b_empty_continuations),
    "SEC07_empty_data_flood": Case(a.sec07_empty_data_flood),
    "SEC08_data_dribble": Case(a.sec08_data_dribble),
    "SEC09_never_reads_large_windows": Case(a.sec09_never_reads_large_windows, seconds=8, rss_mib=24,
                                             flags=("--write-timeout", "3")),
    "SEC10_priority_storm": Case(more.sec10_priority_storm),
    "SEC11_empty_header_fields": Case(more.sec11_empty_header_fields),
    "SEC12_hpack_bomb": Case(a.sec12_hpack_bomb),
    "SEC13_header_list_limits": Case(a.sec13_header_list_limits),
    "SEC14_stream_id_rules": Case(more.sec14_stream_id_rules),
    "SEC15_silent_connection": Case(a.sec15_silent_connection, flags=HANDSHAKE),
    "SEC15_preface_drip": Case(a.sec15_preface_drip, flags=HANDSHAKE),
    "SEC15_idle_connection": Case(a.sec15_idle_connection, flags=("--idle-timeout", "2")),
    # Asio's TLS stream holds about 100 KiB per connection from its first octet (record buffers,
    # OpenSSL's BIO pair and read buffer): 200 half-open handshakes measured +20 MiB.
    "SEC15_tls_half_open_handshakes": Case(b.tls_half_open_handshakes, rss_mib=32, flags=HANDSHAKE, tls=True),
    "SEC16_window_overflow_churn": Case(b.window_overflow_churn, seconds=6),
    "SEC17_settings_out_of_range": Case(b.settings_out_of_range, seconds=3),
    "SEC18_header_validation": Case(more.sec18_header_validation),
    "SEC19_reconnect_churn": Case(more.sec19_reconnect_churn, seconds=4),
    "SEC20_never_reads_431s": Case(more.sec20_never_reads_431s, seconds=8, flags=("--write-timeout", "3")),
    "HPK_huffman_bad_strings": Case(b.huffman_bad_strings, seconds=3),
    "GOAWAY_frames_after_goaway": Case(b.frames_after_goaway, seconds=3),
    "BOMB_pinned_behind_closed_windows": Case(b.pinned_behind_closed_windows, seconds=10,
                                              flags=("--stream-stall-timeout", "2", "--idle-timeout", "3")),
    # 2,000 open WebSockets measured +26 MiB at the peak (about 13 KiB each: Beast's stream and
    # its buffers, the handler's coroutine frames, the exchange); the case opens 800.
    "WS_silent_websockets": Case(ws.silent_websockets, seconds=6, rss_mib=24, flags=("--ws-idle-timeout", "2")),
    "UPG_upgrade_with_body_is_not_switched": Case(b.upgrade_with_body_is_not_switched, seconds=3),
    "LEG_grpc_style_small_messages": Case(legit.grpc_style_small_messages, seconds=8),
    "LEG_keepalive_pings": Case(legit.keepalive_pings, seconds=13),
    "LEG_browser_burst": Case(legit.browser_burst, seconds=6),
    "LEG_long_lived_with_cancels": Case(legit.long_lived_with_cancels, seconds=7, flags=("--idle-timeout", "2")),
    "FLT_vanish_at_every_point": Case(fault.vanish_at_every_point, seconds=4),
    "FLT_half_closed_clients": Case(fault.half_closed_clients),
    "FLT_split_at_every_boundary": Case(fault.split_at_every_boundary, seconds=4),
    "FLT_tls_garbage": Case(fault.tls_garbage, flags=HANDSHAKE, tls=True),
    # Not under sanitizers: out of descriptors, UBSan's vptr check cannot create the pipe it
    # probes memory with, and reports the handshake failures' exception objects as invalid.
    "FLT_out_of_descriptors": Case(fault.out_of_descriptors, seconds=6, flags=HANDSHAKE,
                                   prefix=("prlimit", "--nofile=64:64"), sanitizers=False),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h2serve", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    args = ap.parse_args()
    sanitized = bool(os.environ.get("LIBH2_SANITIZED"))
    if sanitized and not CASES[args.case].sanitizers:
        print("not run under sanitizers (see socket_attacks.py)")
        return 77  # CTest: skipped
    try:
        run_case(CASES[args.case], args.h2serve, sanitized)
    except AssertionError as e:
        print("FAIL:", e)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
