#include "open_body.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace h2::runtime {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

OpenBody::OpenBody(const asio::any_io_executor& executor)
    : ready_(executor, Clock::time_point::max()), closing_(executor, Clock::time_point::max()) {}

ClientBody OpenBody::body(std::shared_ptr<OpenBody> self) {
    return ClientBody::writer([self](BodyWriter& w) { return lend(self, w); });
}

asio::awaitable<void> OpenBody::lend(std::shared_ptr<OpenBody> self, BodyWriter& writer) {
    struct Leave {
        OpenBody& b;
        ~Leave() {
            b.writer_ = nullptr;
            b.gone_ = true;
            b.ready_.cancel();
        }
    } leave{*self};
    self->writer_ = &writer;
    self->ready_.cancel();
    while (!self->closed_) {
        self->closing_.expires_at(Clock::time_point::max());
        co_await self->closing_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

asio::awaitable<bool> OpenBody::write(std::span<const std::uint8_t> octets) {
    while (!writer_ || closed_) {
        if (gone_ || closed_) co_return false;
        ready_.expires_at(Clock::time_point::max());
        co_await ready_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_await writer_->write(octets);
    co_return true;
}

void OpenBody::close() noexcept {
    closed_ = true;
    closing_.cancel();
    ready_.cancel();
}

}  // namespace h2::runtime
