// libnghttp2 as the honest peer of a libh2 engine. The fuzz input is a list of actions for
// the nghttp2 side (requests, bodies, resets, pings, settings, window updates); the bytes go
// both ways until quiet. nghttp2 must never see a protocol error caused by us, and we must
// never end the connection of an honest peer with an error.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "h2/connection/connection.hpp"

namespace h2::fuzz {

struct Oracle {
    nghttp2_session* session = nullptr;
    std::vector<std::uint8_t> body;  // what nghttp2 sends as request or response bodies
    std::size_t body_left = 0;

    static int on_invalid(nghttp2_session*, const nghttp2_frame*, int, void*) { std::abort(); }
    static int on_frame(nghttp2_session*, const nghttp2_frame* f, void*) {
        // A GOAWAY with an error from libh2 to an honest peer is a bug.
        if (f->hd.type == NGHTTP2_GOAWAY && f->goaway.error_code != NGHTTP2_NO_ERROR) std::abort();
        // So is a reset with PROTOCOL_ERROR or FLOW_CONTROL_ERROR (a rule we think it broke).
        if (f->hd.type == NGHTTP2_RST_STREAM && (f->rst_stream.error_code == NGHTTP2_PROTOCOL_ERROR ||
                                                 f->rst_stream.error_code == NGHTTP2_FLOW_CONTROL_ERROR)) {
            std::abort();
        }
        return 0;
    }
    static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len, std::uint32_t* flags,
                             nghttp2_data_source* src, void*) {
        auto* left = static_cast<std::size_t*>(src->ptr);
        const std::size_t n = std::min(len, *left);
        std::memset(buf, 'b', n);
        *left -= n;
        if (*left == 0) *flags |= NGHTTP2_DATA_FLAG_EOF;
        return static_cast<ssize_t>(n);
    }

    explicit Oracle(bool server) {
        nghttp2_session_callbacks* cb = nullptr;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cb, on_invalid);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
        nghttp2_option* opt = nullptr;
        nghttp2_option_new(&opt);
        nghttp2_option_set_no_auto_window_update(opt, 0);
        if (server) nghttp2_session_server_new2(&session, cb, this, opt);
        else nghttp2_session_client_new2(&session, cb, this, opt);
        nghttp2_option_del(opt);
        nghttp2_session_callbacks_del(cb);
        nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, nullptr, 0);
    }
    ~Oracle() { nghttp2_session_del(session); }

    // nghttp2 -> libh2
    void to(Connection& c, std::vector<Event>& events) {
        for (;;) {
            const std::uint8_t* p = nullptr;
            const ssize_t n = nghttp2_session_mem_send(session, &p);
            if (n < 0) std::abort();
            if (n == 0) return;
            c.receive({p, static_cast<std::size_t>(n)}, events);
        }
    }
    // libh2 -> nghttp2
    void from(Connection& c) {
        for (;;) {
            const auto out = c.pending_output();
            if (out.empty()) return;
            const ssize_t n = nghttp2_session_mem_recv(session, out.data(), out.size());
            if (n < 0) std::abort();  // a protocol error nghttp2 found in our bytes
            c.consume_output(out.size());
        }
    }
};

// Limits off: nghttp2 driven by random actions is honest but may be busy (many pings,
// settings, tiny window updates): the abuse heuristics are tested elsewhere.
inline Config permissive() {
    Config c;
    c.limits.overhead = {0, 0, 0, 0, 0, 0, 0};
    c.limits.max_local_resets = 1u << 30;
    c.limits.reset_burst = 1u << 30;
    c.limits.max_queued_control_octets = 1u << 30;
    return c;
}

}  // namespace h2::fuzz
