// RequestBody and ResponseWriter: the order of a response (head, body, end) is kept here, the
// transport is the exchange's (HTTP/2 stream or HTTP/1.1 connection).
#include "h2/runtime/handler.hpp"

#include <algorithm>
#include <stdexcept>

namespace h2::runtime {

namespace asio = boost::asio;

namespace {
// HTTP/2 field names are lower case (RFC 9113 §8.2.1); HTTP/1.1 does not mind.
void lower_names(FieldVector& fields) noexcept {
    for (auto& [name, value] : fields) {
        for (char& c : name) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
    }
}
}  // namespace

asio::awaitable<std::span<const std::uint8_t>> RequestBody::read() {
    if (ended_) co_return std::span<const std::uint8_t>{};
    auto piece = co_await io_->read_body();
    if (piece.empty()) ended_ = true;
    co_return piece;
}

asio::awaitable<std::string> RequestBody::read_all(std::size_t limit) {
    std::string all;
    for (auto piece = co_await read(); !piece.empty(); piece = co_await read()) {
        if (piece.size() > limit - all.size()) throw std::length_error("request body over the limit");
        all.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    }
    co_return all;
}

void ResponseWriter::expect_open(const char* what) const {
    if (state_ == State::finished) throw std::logic_error(std::string(what) + " after the response was finished");
}

asio::awaitable<void> ResponseWriter::write_head(int status, FieldVector fields, bool end) {
    lower_names(fields);
    std::vector<FieldView> views;
    views.reserve(fields.size());
    for (const auto& [n, v] : fields) views.emplace_back(n, v);
    co_await write_head(status, std::span<const FieldView>(views), end);
}

asio::awaitable<void> ResponseWriter::write_head(int status, std::span<const FieldView> fields, bool end) {
    expect_open("write_head");
    if (state_ != State::idle) throw std::logic_error("write_head called twice");
    if (status < 200 || status > 999) throw std::invalid_argument("response status must be 200-999");
    co_await io_->write_head(status, fields, end);  // the state changes once it was accepted
    status_ = status;
    state_ = end ? State::finished : State::body;
}

asio::awaitable<void> ResponseWriter::open_tunnel(std::span<const FieldView> fields) {
    expect_open("open_tunnel");
    if (state_ != State::idle) throw std::logic_error("open_tunnel after write_head");
    if (head_request_) throw std::logic_error("open_tunnel for a HEAD request");
    status_ = co_await io_->open_tunnel(fields);
    state_ = State::body;
    tunnel_ = true;
}

asio::awaitable<void> ResponseWriter::write(std::span<const std::uint8_t> data) {
    expect_open("write");
    if (state_ == State::idle) co_await write_head(200, std::span<const FieldView>{});
    if (data.empty() || head_request_) co_return;
    co_await io_->write_body(data, false);
    octets_ += data.size();
}

asio::awaitable<void> ResponseWriter::send_file(FileRange file) {
    expect_open("send_file");
    const std::uint64_t length = file.length();
    if (state_ == State::idle) {
        FieldVector fields{{"content-length", std::to_string(length)}};
        co_await write_head(200, std::move(fields));
    }
    state_ = State::finished;
    if (head_request_ || length == 0 || !file) {
        co_await io_->write_body({}, true);
        co_return;
    }
    octets_ += length;
    co_await io_->write_file(std::move(file));
}

asio::awaitable<void> ResponseWriter::finish(FieldVector trailers) {
    if (state_ == State::finished) co_return;
    if (state_ == State::idle) {
        co_await write_head(200, std::span<const FieldView>{}, trailers.empty());
        if (trailers.empty()) co_return;
    }
    state_ = State::finished;
    if (trailers.empty()) {
        co_await io_->write_body({}, true);
    } else {
        lower_names(trailers);
        co_await io_->write_trailers(trailers);
    }
}

asio::awaitable<void> ResponseWriter::respond(int status, FieldVector fields, std::string_view body) {
    const bool has_length = std::any_of(fields.begin(), fields.end(), [](const auto& f) {
        return f.first.size() == 14 && std::equal(f.first.begin(), f.first.end(), "content-length", [](char a, char b) {
                   return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
               });
    });
    // The length is known: say it (HEAD too: the length a GET would get), unless the status
    // has no content (RFC 9110 §8.6).
    if (!has_length && status != 204 && status != 304)
        fields.emplace_back("content-length", std::to_string(body.size()));
    const bool empty = body.empty() || head_request_;
    co_await write_head(status, std::move(fields), empty);
    if (empty) co_return;
    co_await write(body);
    co_await finish();
}

}  // namespace h2::runtime
