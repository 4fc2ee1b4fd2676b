// h2::Connection: the sans-I/O HTTP/2 engine, for both roles. Bytes in, events out, bytes
// out; no socket, no clock, no thread. See docs/engine.md.
//
//   h2::Connection conn = h2::Connection::server(config);
//   std::vector<h2::Event> events;
//   conn.receive(bytes, events);                  // parse, update state, append events
//   conn.submit_response(id, fields, false);
//   conn.submit_data(id, body, true);            // takes what its buffer allows
//   auto out = conn.pending_output();             // write it, then:
//   conn.consume_output(written);
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "h2/connection/config.hpp"
#include "h2/connection/events.hpp"
#include "h2/connection/id_queue.hpp"
#include "h2/connection/overhead.hpp"
#include "h2/frame/header_block.hpp"
#include "h2/frame/reader.hpp"
#include "h2/hpack/arena.hpp"
#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"
#include "h2/stream/stream.hpp"
#include "h2/stream/table.hpp"

namespace h2 {

enum class Role : std::uint8_t { client, server };

struct ClosedStream {
    StreamId id = 0;
    bool reset_by_us = false;
};

// Why a submit_* call was refused.
enum class SubmitError : std::uint8_t {
    none = 0,
    no_such_stream,        // never opened, or already closed
    wrong_state,           // e.g. data before headers, or after END_STREAM
    stream_ids_exhausted,  // all 2^30 ids of this side were used: open a new connection
    too_many_streams,      // the peer's SETTINGS_MAX_CONCURRENT_STREAMS is reached
    going_away,            // a GOAWAY was sent or received: no new streams
    connection_closed,     // the connection failed or was closed
    push_disabled,         // the client disabled server push
    wrong_role,            // e.g. submit_request on a server
    output_pending,        // reserve_data() while output is pending: write it first
};

std::string_view to_string(SubmitError e) noexcept;

// The outcome of a submit_* call that produces a value (a stream id, octets taken, a
// reservation): the value, or an error. Calls that produce nothing return a SubmitError.
template <class T>
struct SubmitResult {
    T value{};
    SubmitError error = SubmitError::none;

    bool ok() const noexcept { return error == SubmitError::none; }
    explicit operator bool() const noexcept { return ok(); }
};

// Counters an operator or a test can read; each abuse-limit trip has its own (named *_trips).
struct ConnectionCounters {
    std::uint64_t frames_received = 0;
    std::uint64_t streams_opened = 0;
    std::uint64_t streams_refused = 0;
    std::uint64_t resets_received = 0;
    std::uint64_t resets_sent = 0;
    std::uint64_t data_octets_received = 0;
    std::uint64_t data_octets_sent = 0;
    std::uint64_t overhead_trips = 0;
    std::uint64_t continuation_trips = 0;
    std::uint64_t header_block_trips = 0;
    std::uint64_t settings_trips = 0;
    std::uint64_t control_queue_trips = 0;
    std::uint64_t local_reset_trips = 0;
    std::uint64_t reset_flood_trips = 0;
    std::uint64_t idle_priority_trips = 0;
    std::uint64_t header_lists_too_large = 0;

    // Every field with its name, so that exporters (h2serve's metrics) need no list of their own.
    using Field = std::uint64_t ConnectionCounters::*;
    static constexpr std::pair<std::string_view, Field> fields[] = {
        {"frames_received", &ConnectionCounters::frames_received},
        {"streams_opened", &ConnectionCounters::streams_opened},
        {"streams_refused", &ConnectionCounters::streams_refused},
        {"resets_received", &ConnectionCounters::resets_received},
        {"resets_sent", &ConnectionCounters::resets_sent},
        {"data_octets_received", &ConnectionCounters::data_octets_received},
        {"data_octets_sent", &ConnectionCounters::data_octets_sent},
        {"overhead_trips", &ConnectionCounters::overhead_trips},
        {"continuation_trips", &ConnectionCounters::continuation_trips},
        {"header_block_trips", &ConnectionCounters::header_block_trips},
        {"settings_trips", &ConnectionCounters::settings_trips},
        {"control_queue_trips", &ConnectionCounters::control_queue_trips},
        {"local_reset_trips", &ConnectionCounters::local_reset_trips},
        {"reset_flood_trips", &ConnectionCounters::reset_flood_trips},
        {"idle_priority_trips", &ConnectionCounters::idle_priority_trips},
        {"header_lists_too_large", &ConnectionCounters::header_lists_too_large},
    };
};

class Connection {
public:
    using Clock = std::chrono::steady_clock;
    using Fields = std::span<const hpack::HeaderField>;

    static Connection server(const Config& config = {});
    static Connection client(const Config& config = {});

    // Server side of an HTTP/1.1 `Upgrade: h2c` (RFC 7540 §3.2, kept by RFC 9113 §3.1 for
    // compatibility): `http2_settings` is the decoded HTTP2-Settings payload, and the upgrade
    // request becomes stream 1, half-closed (remote). Its fields are reported as a request
    // by the first receive(). Returns nullopt if the settings payload is invalid.
    static std::optional<Connection> server_upgrade(const Config& config, std::span<const std::uint8_t> http2_settings,
                                                    Fields upgrade_request);
    // Client side: stream 1 is the upgrade request, half-closed (local); the response comes
    // as HTTP/2 on stream 1.
    static Connection client_upgrade(const Config& config);

    Role role() const noexcept { return role_; }
    // The payload of our first SETTINGS frame: a client's HTTP2-Settings header field for an
    // `Upgrade: h2c` request (base64url of these octets) must carry exactly these settings.
    std::vector<std::uint8_t> settings_payload() const;

    // Parses `input`, updates state, appends events. Returns the octets consumed: all of
    // `input`, unless the connection failed part-way (the rest is then ignored).
    std::size_t receive(std::span<const std::uint8_t> input, std::vector<Event>& events);
    // Events produced outside receive() (a stream became writable, closed, a timeout).
    void poll_events(std::vector<Event>& events);

    // Output, as batches. pending_output() returns the unconsumed octets of the current batch;
    // consume_output(n) says n of them were written. THE CONTRACT: the octets of a batch stay
    // valid and unchanged until consume_output() has consumed all of them, whatever is
    // submitted or received meanwhile: new frames go to a second buffer, which becomes the
    // next batch once this one is consumed. So a runtime may keep a write of the batch in
    // flight while its streams go on submitting. Debug builds assert that a batch is not
    // modified while it is pending.
    std::span<const std::uint8_t> pending_output();
    void consume_output(std::size_t n) noexcept;
    bool has_pending_output() const noexcept;
    // Octets waiting in both buffers, external payloads included (a runtime can stop reading
    // from a peer that does not read what it is sent).
    std::size_t buffered_output() const noexcept;

    // The batch with its external payloads (submit_external_data()): the caller writes
    // `octets`, inserting each external payload (`length` octets of `stream`'s external body,
    // in the order they appear) at `offset` octets from the start of the batch. `consumed`
    // octets of the batch were consumed already: an external payload at offset O goes after
    // octets[O - consumed - 1]. A caller that submits external data must write batches this
    // way (pending_output() alone would leave the payloads out).
    struct ExternalPayload {
        std::size_t offset = 0;
        StreamId stream = 0;
        std::uint32_t length = 0;
    };
    struct OutputBatch {
        std::span<const std::uint8_t> octets;
        std::span<const ExternalPayload> external;
        std::size_t consumed = 0;
    };
    OutputBatch pending_batch();

    // Client: a new stream with a request header section; its id.
    SubmitResult<StreamId> submit_request(Fields fields, bool end_stream);
    // Moves this side's next stream id up to `next` (same parity as ours). Ids only grow
    // (RFC 9113 §5.1.1); the ids skipped are closed. A lower value is ignored.
    void skip_stream_ids(StreamId next) noexcept;
    // Server: response headers (1xx first if any, then the final status) on a stream.
    SubmitError submit_response(StreamId id, Fields fields, bool end_stream);
    // Trailers: end the stream after the data already submitted.
    SubmitError submit_trailers(StreamId id, Fields fields);
    // Buffers up to the per-stream limit; the value is what was taken (a StreamWritable event
    // follows when more can be taken). An empty `data` with end_stream ends the stream.
    SubmitResult<std::size_t> submit_data(StreamId id, std::span<const std::uint8_t> data, bool end_stream);
    // A body whose octets the caller writes itself (a file by sendfile(2), a cached buffer):
    // the next `length` octets of the stream's DATA, after anything submitted before. The
    // scheduler frames them like any other DATA (RFC 9218 order, both windows, frame size);
    // the payload of each such frame is listed in pending_batch().external for the caller
    // to write at its place. With `end_stream` the last frame carries END_STREAM.
    SubmitError submit_external_data(StreamId id, std::uint64_t length, bool end_stream);
    // RST_STREAM from us.
    SubmitError reset_stream(StreamId id, ErrorCode code);
    // Server push (RFC 9113 §8.4): PUSH_PROMISE on `associated` with the promised request;
    // the value is the promised (even) stream id. Respond on it with submit_response().
    SubmitResult<StreamId> submit_push_promise(StreamId associated, Fields request);
    // Client: RFC 9218 §7.1 reprioritization of one of our streams.
    SubmitError submit_priority_update(StreamId id, std::string_view field_value);
    // Any frame of a type this library does not know (RFC 9113 §5.5 extensions).
    void submit_extension_frame(std::uint8_t type, std::uint8_t flags, StreamId id,
                                std::span<const std::uint8_t> payload);

    // Zero-copy bodies (the runtime's sendfile path, as Tomcat's): reserves one DATA frame of
    // up to `max` octets within the windows and returns its 9-octet header. The caller writes
    // the header and then that many octets of its own, right after everything
    // pending_output() returned; so call it only when pending_output() is empty. With
    // `last` and the whole `max` reserved, the frame carries END_STREAM. A reservation of 0
    // means the windows are closed: a StreamWritable event follows when they open.
    struct DataReservation {
        std::uint32_t length = 0;
        std::array<std::uint8_t, 9> header{};
    };
    SubmitResult<DataReservation> reserve_data(StreamId id, std::uint32_t max, bool last);
    // Netty's consumeBytes: the application consumed `n` octets of DATA on the stream.
    void release_received_data(StreamId id, std::uint32_t n);
    // Raises the connection's receive window by `n` (WINDOW_UPDATE on stream 0).
    void grow_connection_window(std::uint32_t n);
    // Raises one stream's receive window by `n` beyond its size so far (WINDOW_UPDATE on the
    // stream): a client that measured a bandwidth-delay product larger than its initial window.
    // wrong_state once the stream cannot receive DATA; a window past 2^31-1 is not asked for.
    SubmitError grow_stream_window(StreamId id, std::uint32_t n);
    std::uint32_t connection_receive_window_size() const noexcept { return receive_window_.size(); }
    // A stream's receive window size (0 when there is no such stream).
    std::uint32_t stream_receive_window_size(StreamId id) const noexcept;

    // PING with our own opaque data; the ACK comes as PingAcknowledged with the round trip.
    void submit_ping(const std::array<std::uint8_t, 8>& opaque_data);
    // Smoothed round-trip time of answered pings (0 until one was answered).
    std::chrono::nanoseconds round_trip_time() const noexcept { return rtt_; }
    // When the oldest PING still unanswered was sent (a keepalive's sign of a dead peer).
    std::optional<Clock::time_point> oldest_unanswered_ping() const noexcept {
        if (pings_.empty()) return std::nullopt;
        return pings_.front().sent;
    }

    // GOAWAY now, with `code` and `debug` as debug data. No stream is opened after it; with
    // an error code the connection is done.
    void goaway(ErrorCode code, std::string_view debug = {});
    // Graceful shutdown (RFC 9113 §6.8): GOAWAY(2^31-1) and a PING now; GOAWAY with the real
    // last stream id once the PING is answered (or at the deadline).
    void shutdown_gracefully();

    // Time: the caller's clock. next_deadline() is when on_deadline() wants to run.
    void set_time(Clock::time_point now) noexcept;
    std::optional<Clock::time_point> next_deadline() const noexcept;
    void on_deadline(Clock::time_point now);

    // State.
    bool is_closed() const noexcept { return closed_; }  // failed or GOAWAY'd and done
    // Nothing more to do once the output is written: a connection error, or a GOAWAY sent or
    // received and no stream left.
    bool should_close() const noexcept;
    const Settings& peer_settings() const noexcept { return peer_; }
    // The peer's first SETTINGS has arrived (before it, peer_settings() holds the defaults).
    bool peer_settings_seen() const noexcept { return peer_settings_seen_; }
    const ConnectionCounters& counters() const noexcept { return counters_; }
    std::int64_t overhead_count() const noexcept { return overhead_.count(); }
    std::size_t open_streams() const noexcept { return streams_.size(); }
    std::optional<stream::State> stream_state(StreamId id) const noexcept;
    std::int64_t connection_send_window() const noexcept { return send_window_.value(); }
    std::int64_t stream_send_window(StreamId id) const noexcept;

    Connection(Connection&&) = default;
    Connection& operator=(Connection&&) = default;

private:
    Connection(Role role, const Config& config);

    // Inbound (src/connection/inbound.cpp).
    void dispatch(const frame::Frame& f);
    void on_data(const frame::DataFrame& f);
    void on_headers(const frame::HeadersFrame& f);
    void on_continuation(const frame::ContinuationFrame& f);
    void on_header_block(std::span<const std::uint8_t> block);
    void on_new_stream_headers(StreamId id, std::size_t offset, bool too_large);
    void on_stream_headers(stream::Stream& s, std::size_t offset, bool too_large);
    void on_push_block(std::size_t offset, bool too_large);
    void emit_headers(StreamId id, HeadersKind kind, std::size_t offset, bool end_stream);
    std::span<const hpack::HeaderField> fields_from(std::size_t offset) const noexcept {
        return {fields_.data() + offset, fields_.size() - offset};
    }
    void credit(stream::Stream& s, std::uint32_t n);
    void on_priority(const frame::PriorityFrame& f);
    void on_rst_stream(const frame::RstStreamFrame& f);
    void on_settings(const frame::SettingsFrame& f);
    void on_push_promise(const frame::PushPromiseFrame& f);
    void on_ping(const frame::PingFrame& f);
    void charge_ping();
    void on_goaway(const frame::GoawayFrame& f);
    void on_window_update(const frame::WindowUpdateFrame& f);
    void on_priority_update(const frame::PriorityUpdateFrame& f);
    bool end_inbound(stream::Stream& s);

    // Errors and stream bookkeeping (src/connection/connection.cpp).
    void connection_error(ErrorCode code, std::string_view reason);
    void stream_error(StreamId id, ErrorCode code, std::string_view reason);
    void trip(std::uint64_t& counter, std::string_view reason);
    stream::Stream* find(StreamId id) noexcept;
    stream::Stream& open_stream(StreamId id);
    void close_stream(StreamId id, bool reset, ErrorCode code, Initiator who);
    bool transition(stream::Stream& s, stream::Input in);
    bool is_idle(StreamId id) const noexcept;
    bool is_local(StreamId id) const noexcept { return (id % 2 == 1) == (role_ == Role::client); }
    // Streams closed lately, and whether we reset them (late frames on those are ignored).
    void remember_closed(StreamId id, bool reset_by_us);
    const struct ClosedStream* recently_closed(StreamId id) const noexcept;
    void emit(const Event& e);
    std::span<const std::uint8_t> stable(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> input);
    void return_connection_credit(std::uint32_t n);

    // Outbound (src/connection/outbound.cpp).
    void write_preface();
    std::vector<frame::Setting> local_settings() const;
    // Control frames written in answer to the peer count against max_queued_control_octets
    // until they are written out: a peer that floods us without reading trips the limit.
    void after_control_write(std::size_t mark);
    void finish_send(stream::Stream& s);
    void encode_headers(StreamId id, Fields fields, bool end_stream);
    void schedule(stream::Stream& s);
    void fill_data();
    std::size_t data_frame_room(const stream::Stream& s, std::size_t budget) const noexcept;
    bool write_stream_output(stream::Stream& s, std::size_t& budget);
    void check_frozen_batch() const noexcept;
    bool any_stream_ready() const noexcept;
    void send_window_update(StreamId id, std::uint32_t increment);
    bool apply_peer_settings(const frame::SettingsFrame& f);
    void open_pending_streams();
    void fail_pending_streams(NotProcessedReason reason);
    void start_request(stream::Stream& s, Fields fields, bool end_stream);
    void notify_writable(stream::Stream& s);

    Role role_;
    Config config_;
    Settings local_;  // what we advertised
    bool local_acked_ = false;
    Settings peer_;
    bool peer_settings_seen_ = false;
    bool preface_pending_;  // server: client magic not yet fully received
    std::size_t preface_matched_ = 0;
    bool first_frame_ = true;  // the peer's first frame must be SETTINGS

    frame::FrameReader reader_;
    frame::HeaderBlockAssembler assembler_;
    struct OpenBlock {
        StreamId stream = 0;
        StreamId promised = 0;  // PUSH_PROMISE
        bool end_stream = false;
        bool push_promise = false;
        bool self_dependent = false;
    } block_;
    hpack::Decoder decoder_;
    hpack::Encoder encoder_;
    std::vector<std::uint8_t> block_buffer_;  // an encoded header block, before framing
    std::vector<hpack::HeaderField> fields_;  // decoded fields of this receive()
    struct FieldsFixup {
        std::size_t event;
        std::size_t offset;
        std::size_t count;
    };
    std::vector<FieldsFixup> fixups_;
    hpack::Arena scratch_;  // copies of payloads that must outlive the reader's buffer

    stream::StreamTable streams_;
    std::uint32_t peer_streams_open_ = 0;
    std::uint32_t local_streams_open_ = 0;
    StreamId last_peer_stream_ = 0;
    StreamId next_local_stream_;
    IdQueue pending_streams_;                // buffered requests, in id order
    std::vector<ClosedStream> closed_ring_;  // up to Config::closed_streams_remembered entries
    std::size_t closed_ring_next_ = 0;
    std::unordered_map<StreamId, std::pair<std::uint8_t, bool>> idle_priorities_map_;
    std::uint32_t local_resets_ = 0;
    double reset_tokens_;
    Clock::time_point reset_refill_{};

    flow::SendWindow send_window_;
    flow::ReceiveWindow receive_window_;
    std::array<IdQueue, 8> ready_;  // by urgency

    // Output: frames are appended to out_ (with fill_external_, the payloads the caller
    // supplies); pending_batch() swaps it with frozen_, the batch being written, which stays
    // as it is until consumed. frozen_data_ and frozen_size_ let debug builds check that.
    std::vector<std::uint8_t> out_;
    std::vector<ExternalPayload> fill_external_;
    std::size_t fill_external_octets_ = 0;
    std::vector<std::uint8_t> frozen_;
    std::size_t frozen_head_ = 0;
    std::vector<ExternalPayload> frozen_external_;
    std::size_t frozen_external_octets_ = 0;
    const std::uint8_t* frozen_data_ = nullptr;
    std::size_t frozen_size_ = 0;
    std::size_t reactive_octets_ = 0;  // control frames written in answer to the peer, unsent

    std::vector<Event>* events_ = nullptr;
    std::span<const std::uint8_t> input_;  // the bytes of the current receive()
    std::vector<Event> queued_events_;

    OverheadCounter overhead_;
    ConnectionCounters counters_;

    bool closed_ = false;  // no more frames are processed
    bool goaway_sent_ = false;
    bool goaway_received_ = false;
    StreamId peer_last_stream_ = 0;  // from the peer's GOAWAY
    bool graceful_pending_ = false;  // waiting for the PING before the final GOAWAY
    std::array<std::uint8_t, 8> graceful_ping_{};

    Clock::time_point now_{};
    bool clock_started_ = false;
    std::optional<Clock::time_point> settings_deadline_;
    std::optional<Clock::time_point> graceful_deadline_;
    std::optional<Clock::time_point> last_free_ping_;  // the last PING that cost nothing
    std::optional<Clock::time_point> next_ping_;
    std::uint64_t pings_sent_ = 0;
    struct PendingPing {
        std::array<std::uint8_t, 8> opaque;
        Clock::time_point sent;
    };
    std::vector<PendingPing> pings_;
    std::chrono::nanoseconds rtt_{0};
};

}  // namespace h2
