// A deadline for socket operations (internal header): the socket's operations are cancelled
// when it passes, and the failure is reported as a timeout.
#pragma once

#include <boost/asio.hpp>

#include <chrono>
#include <memory>

namespace h2::runtime {

// Cancels the socket's operations when `deadline` passes, unless destroyed first (a timer
// that expired just before is disarmed by the shared state, so it touches nothing).
class Deadline {
public:
    template <class Socket>
    Deadline(Socket& socket, std::chrono::steady_clock::time_point deadline)
        : timer_(socket.get_executor()), state_(std::make_shared<State>()) {
        timer_.expires_at(deadline);
        auto& lowest = socket.lowest_layer();
        timer_.async_wait([&lowest, state = state_](const boost::system::error_code& ec) {
            if (ec || state->disarmed) return;
            state->passed = true;
            boost::system::error_code ignored;
            lowest.cancel(ignored);
        });
    }
    ~Deadline() {
        state_->disarmed = true;
        timer_.cancel();
    }
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;
    // An operation that failed because of the deadline reports that, not "cancelled".
    void check(const boost::system::error_code& ec, const char* what = "deadline passed") const {
        if (state_->passed) throw boost::system::system_error(boost::asio::error::timed_out, what);
        if (ec) throw boost::system::system_error(ec);
    }

    bool passed() const noexcept { return state_->passed; }

private:
    struct State {
        bool passed = false;
        bool disarmed = false;
    };
    boost::asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

}  // namespace h2::runtime
