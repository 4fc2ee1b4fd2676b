#include "client_connect.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "deadline.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::shared_ptr<ssl::context> make_client_tls_context(const ClientOptions& options) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX* native = ctx->native_handle();
    // RFC 9113 §9.2: TLS 1.2 or later, no renegotiation, no compression.
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    boost::system::error_code ec;
    ctx->set_default_verify_paths(ec);
    if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec) throw TlsError("cannot load the CA file " + options.ca_file + ": " + ec.message());
    }
    static const unsigned char kAlpn[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(native, kAlpn, sizeof kAlpn);
    return ctx;
}

asio::awaitable<tcp::socket> connect_tcp(const asio::any_io_executor& executor, const Url& url,
                                         std::chrono::milliseconds timeout) {
    tcp::resolver resolver(executor);
    tcp::socket socket(executor);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string where = url.host + ":" + std::to_string(url.port);
    auto [rec, endpoints] =
        co_await resolver.async_resolve(url.host, std::to_string(url.port), asio::as_tuple(asio::use_awaitable));
    if (rec) throw ConnectError("cannot resolve " + url.host + ": " + rec.message());
    Deadline limit(socket, deadline);
    auto [cec, endpoint] = co_await asio::async_connect(socket, endpoints, asio::as_tuple(asio::use_awaitable));
    if (limit.passed()) throw TimeoutError("connecting to " + where + " took longer than connect_timeout");
    if (cec) throw ConnectError("cannot connect to " + where + ": " + cec.message());
    socket.set_option(tcp::no_delay(true));
    co_return socket;
}

asio::awaitable<std::string> tls_handshake(TlsStream& stream, const Url& url, bool verify,
                                           std::chrono::milliseconds timeout) {
    SSL* ssl = stream.native_handle();
    boost::system::error_code ec;
    (void)asio::ip::make_address(url.host, ec);
    if (ec) SSL_set_tlsext_host_name(ssl, url.host.c_str());  // SNI for names only (RFC 6066 §3)
    if (verify) {
        stream.set_verify_mode(ssl::verify_peer);
        stream.set_verify_callback(ssl::host_name_verification(url.host));
    } else {
        stream.set_verify_mode(ssl::verify_none);
    }
    Deadline limit(stream, std::chrono::steady_clock::now() + timeout);
    const auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    if (limit.passed())
        throw TimeoutError("the TLS handshake with " + url.host + " took longer than handshake_timeout");
    if (hec) {
        std::string why = hec.message();
        const long result = SSL_get_verify_result(ssl);
        if (verify && result != X509_V_OK)
            why = std::string("certificate verification failed: ") + X509_verify_cert_error_string(result);
        throw TlsError("TLS handshake with " + url.host + " failed: " + why);
    }
    const unsigned char* proto = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &proto, &len);
    co_return std::string(reinterpret_cast<const char*>(proto), len);
}

std::string encode_base64url(std::span<const std::uint8_t> octets) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::uint8_t o : octets) {
        acc = (acc << 8) | o;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
    return out;
}

}  // namespace h2::runtime
