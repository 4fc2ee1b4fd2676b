#include "h2/runtime/grpc_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <memory>

namespace h2::runtime::grpc {

namespace asio = boost::asio;

namespace {

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::string decode_message(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

asio::awaitable<CallResult> call(Client& client, std::string url, std::vector<std::string> requests,
                                 std::optional<std::chrono::milliseconds> timeout, Limits limits) {
    auto c = std::make_shared<ClientCall>(ClientCall::start(client, std::move(url), timeout, limits));
    // The messages go out while the replies are read (each write waits for the window).
    auto messages = std::make_shared<const std::vector<std::string>>(std::move(requests));
    asio::co_spawn(
        client.executor(),
        [c, messages]() -> asio::awaitable<void> {
            try {
                for (const std::string& m : *messages) co_await c->write(m);
                co_await c->close_writes();
            } catch (...) {  // the call ended early: read() says why
            }
        },
        asio::detached);
    CallResult result;
    while (auto reply = co_await c->read()) result.replies.push_back(std::move(*reply));
    result.status = c->status();
    result.message = c->message();
    result.trailers = c->trailers();
    co_return result;
}

}  // namespace h2::runtime::grpc
