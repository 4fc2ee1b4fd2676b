// Runs an operation on a connection's executor (internal header): handlers may call the
// response writer from any executor (a thread pool), but a connection is only ever touched
// from its own. (The executor is taken by value: a coroutine keeps references as they are.)
#pragma once

#include <boost/asio.hpp>

#include <type_traits>

namespace h2::runtime {

template <class T>
boost::asio::awaitable<T> on_executor(boost::asio::any_io_executor executor, boost::asio::awaitable<T> op) {
    const auto current = co_await boost::asio::this_coro::executor;
    const bool here = current == executor;
    if constexpr (std::is_void_v<T>) {
        if (here) {
            co_await std::move(op);
        } else {
            co_await boost::asio::co_spawn(executor, std::move(op), boost::asio::use_awaitable);
        }
    } else {
        // (GCC 12 miscompiles co_await in both arms of a conditional expression.)
        if (here) co_return co_await std::move(op);
        T result = co_await boost::asio::co_spawn(executor, std::move(op), boost::asio::use_awaitable);
        co_return result;
    }
}

}  // namespace h2::runtime
