// Configuration of an h2::Connection: the settings it advertises, flow control, and every
// abuse limit as a named field with its default (see docs/limits.md).
#pragma once

#include <chrono>
#include <cstdint>

#include "h2/frame/header.hpp"
#include "h2/hpack/dynamic_table.hpp"

namespace h2 {

// RFC 9113 §6.5.2 (and RFC 8441 §3, RFC 9218 §2.1). Absent values are the RFC defaults.
struct Settings {
    static constexpr std::uint32_t unlimited = 0xffffffffu;
    std::uint32_t header_table_size = hpack::default_table_size;
    bool enable_push = true;
    std::uint32_t max_concurrent_streams = unlimited;
    std::uint32_t initial_window_size = frame::default_initial_window_size;
    std::uint32_t max_frame_size = frame::default_max_frame_size;
    std::uint32_t max_header_list_size = unlimited;
    bool enable_connect_protocol = false;
    bool no_rfc7540_priorities = false;
};

// Tomcat's overhead protection (Http2Protocol.overhead*): useful frames lower a count, useless
// ones raise it; when it goes above 0 the connection ends with ENHANCE_YOUR_CALM. A factor or
// threshold of 0 disables its rule.
struct OverheadConfig {
    std::int32_t count_factor = 10;  // cost of a PING, SETTINGS, PRIORITY, refused stream
    std::int32_t reset_factor = 50;  // cost of a RST_STREAM received, or sent for an error
    std::int32_t reduction = 20;     // credit per request, DATA frame received, response
    // An empty non-final DATA frame costs this much (CVE-2019-9518). DATA that carries octets
    // never costs, however small: gRPC sends a message of a few octets per frame.
    std::int32_t data_threshold = 1024;
    std::int32_t window_update_threshold = 1024;
    std::int32_t continuation_threshold = 1024;
    // Each this many octets of DATA we send earn `reduction` (not in Tomcat): a peer that
    // downloads a long response may PING it, as BDP estimators (grpc-go, libh2's client) do.
    std::int32_t data_sent_credit_octets = 16384;
    // The count never goes below this, so a long-lived connection cannot bank unlimited
    // credit (SECURITY-PLAN OVH-12). 0 = -100 x count_factor.
    std::int64_t floor = 0;
    // One PING per this interval costs nothing (a keepalive, at any sane rate); the others
    // cost count_factor. 0: every PING costs.
    std::chrono::milliseconds free_ping_interval{1000};
};

struct Limits {
    // Streams the peer may open at once; we advertise it and refuse the excess (REFUSED_STREAM).
    std::uint32_t max_concurrent_streams = 100;
    // Decoded header list (name + value + 32 per field): above it a request gets 431 (server)
    // or the stream is reset (client). Also advertised as SETTINGS_MAX_HEADER_LIST_SIZE.
    std::uint32_t max_header_list_size = 16 * 1024;
    // Fields in one header list: above it, like max_header_list_size (431 or reset).
    std::uint32_t max_header_count = 100;
    // Octets of one header block as received (all its frames): above it, ENHANCE_YOUR_CALM.
    std::uint32_t max_header_block_size = 32 * 1024;
    // CONTINUATION frames in one header block: above it, ENHANCE_YOUR_CALM.
    std::uint32_t max_continuations = 32;
    // Entries in one SETTINGS frame: above it, ENHANCE_YOUR_CALM.
    std::uint32_t max_settings_entries = 32;
    // Octets of control frames (ACKs, RST_STREAM, WINDOW_UPDATE, GOAWAY) waiting to be written:
    // a peer that floods us with PINGs and does not read trips it (ENHANCE_YOUR_CALM).
    std::uint32_t max_queued_control_octets = 64 * 1024;
    // Application data buffered per stream by submit_data() (backpressure beyond it).
    std::uint32_t max_buffered_data_per_stream = 64 * 1024;
    // Streams reset by us (RST_STREAM sent for a peer's error) over the connection's life.
    std::uint32_t max_local_resets = 200;
    // RST_STREAM received, as a token bucket (rapid reset, CVE-2023-44487): `reset_burst`
    // tokens, refilled at `reset_rate` per second of the caller's clock (set_time()).
    std::uint32_t reset_burst = 1000;
    std::uint32_t reset_rate = 33;
    // Streams refused (beyond max_concurrent_streams) that cost no overhead while the peer has
    // not yet acknowledged our SETTINGS: a client that assumed the common 100 streams.
    std::uint32_t refusals_forgiven_before_ack = 100;
    // Priority signals kept for streams that do not exist yet (RFC 9218 PRIORITY_UPDATE).
    std::uint32_t max_idle_priorities = 100;
    OverheadConfig overhead;
};

struct Config {
    Settings settings;  // advertised in our first SETTINGS (limits override some fields)
    Limits limits;
    // Initial receive window of the whole connection; above 65,535 a WINDOW_UPDATE on stream 0
    // is sent at start, so that a fast upload is not held at 64 KiB.
    std::uint32_t connection_window = 1024 * 1024;
    // Give flow-control credit back as soon as DATA is delivered (Netty's default). When off,
    // the application calls release_received_data() once it has consumed the bytes.
    bool auto_release = true;
    // How long the peer has to acknowledge our SETTINGS (RFC 9113 §6.5.3).
    std::chrono::milliseconds settings_timeout{10000};
    // Graceful shutdown (RFC 9113 §6.8): the final GOAWAY goes out when the PING sent with
    // GOAWAY(2^31-1) is answered, or after this long.
    std::chrono::milliseconds graceful_shutdown_timeout{5000};
    // Streams remembered after they closed, so that frames arriving late on them are told
    // apart from frames on streams that never existed (RFC 9113 §5.1: closed state).
    std::uint32_t closed_streams_remembered = 128;
    // Tomcat's ping manager: a PING this often (0: never), keeping round_trip_time() current.
    std::chrono::milliseconds ping_interval{0};
    // Largest DATA frame we write, besides the peer's SETTINGS_MAX_FRAME_SIZE.
    std::uint32_t max_data_frame_size = 16384;
    // DATA is framed only up to this much output per batch (octets and external payloads):
    // the rest waits in stream buffers, where flow control and priorities still apply.
    std::uint32_t output_batch_size = 64 * 1024;
    // Client (Netty's StreamBufferingEncoder): requests beyond the peer's
    // SETTINGS_MAX_CONCURRENT_STREAMS are queued, not refused, and start when a stream closes
    // or the limit rises; a GOAWAY or the end of the connection fails them (StreamNotProcessed).
    bool buffer_outbound_streams = false;
    // What we assume of the peer's SETTINGS_MAX_CONCURRENT_STREAMS until its SETTINGS arrive
    // (RFC 9113 §6.5.2: unlimited; a client may want the common 100 instead).
    std::uint32_t assumed_peer_max_concurrent_streams = Settings::unlimited;
    std::uint32_t max_buffered_streams = 1000;
};

}  // namespace h2
