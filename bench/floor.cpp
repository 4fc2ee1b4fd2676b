// The floor under workloads C and D (issue 13): the CPU a minimal program spends pushing the
// same bytes through a loopback socket, with nothing of HTTP/2 around them.
//   floor sendfile FILE N     N times: one sendfile(2) of the whole FILE (workload D's 10 MiB)
//   floor write SIZE N        N times: one write(2) of SIZE octets from memory (C's 16 KiB)
// The sender runs on CPU 0 and a reader drains the socket on CPU 1 (as h2load does); prints the
// sender's CPU (user + system, RUSAGE_THREAD) per iteration in microseconds.
// Built by bench/servers.py with g++ -O2; standard library and POSIX only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

double thread_cpu_us() {
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: floor sendfile FILE N | floor write SIZE N\n");
        return 2;
    }
    const bool use_sendfile = std::strcmp(argv[1], "sendfile") == 0;
    const long n = std::atol(argv[3]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(listener, 1) != 0) return 1;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    std::thread reader([&] {
        pin(1);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::exit(1);
        std::vector<char> buf(1 << 20);
        while (read(c, buf.data(), buf.size()) > 0) {}
        close(c);
    });
    pin(0);
    const int s = accept(listener, nullptr, nullptr);
    int fd = -1;
    std::size_t size = 0;
    std::vector<char> data;
    if (use_sendfile) {
        fd = open(argv[2], O_RDONLY);
        struct stat st {};
        if (fd < 0 || fstat(fd, &st) != 0) return 1;
        size = static_cast<std::size_t>(st.st_size);
    } else {
        size = static_cast<std::size_t>(std::atol(argv[2]));
        data.assign(size, 'x');
    }
    const double start = thread_cpu_us();
    for (long i = 0; i < n; ++i) {
        if (use_sendfile) {
            off_t off = 0;
            while (static_cast<std::size_t>(off) < size) {
                if (sendfile(s, fd, &off, size - static_cast<std::size_t>(off)) <= 0) return 1;
            }
        } else {
            for (std::size_t done = 0; done < size;) {
                const ssize_t w = write(s, data.data() + done, size - done);
                if (w <= 0) return 1;
                done += static_cast<std::size_t>(w);
            }
        }
    }
    const double cpu = thread_cpu_us() - start;
    shutdown(s, SHUT_WR);
    reader.join();
    std::printf("%.3f\n", cpu / static_cast<double>(n));
    return 0;
}
