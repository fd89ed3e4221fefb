// rdma-context DEVICE N: opens N user contexts on an RDMA uverbs device (what
// ibv_open_device does first), each on its own open of DEVICE, and keeps them until it
// exits. Each context is one "hca_handle" of the rdma cgroup controller, so with
// rdma.max at hca_handle=K the (K+1)-th fails with EAGAIN. Prints one line per try:
//   context 1 ok
//   context 2 failed: Resource temporarily unavailable
// Static, without libibverbs: the guest's container rootfs has no libc. It speaks the
// legacy write() ABI of <rdma/ib_user_verbs.h>: a header, then the command.
#include <rdma/ib_user_verbs.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// 0 or the errno of the GET_CONTEXT command on a fresh open of device.
int open_context(const char *device) {
    int fd = ::open(device, O_RDWR | O_CLOEXEC);
    if (fd < 0) return errno;
    // The command struct ends in a flexible array (driver data, none here), so the
    // request is assembled as bytes: header, then the response pointer.
    ib_uverbs_get_context_resp response{};
    ib_uverbs_get_context command{};
    command.response = reinterpret_cast<uintptr_t>(&response);
    ib_uverbs_cmd_hdr header{};
    unsigned char request[sizeof header + sizeof command];
    header.command = IB_USER_VERBS_CMD_GET_CONTEXT;
    header.in_words = sizeof request / 4;  // the whole write, header included
    header.out_words = sizeof response / 4;
    std::memcpy(request, &header, sizeof header);
    std::memcpy(request + sizeof header, &command, sizeof command);
    if (::write(fd, request, sizeof request) != static_cast<ssize_t>(sizeof request)) {
        int err = errno;
        ::close(fd);
        return err;
    }
    return 0;  // fd stays open: the context lives as long as it does
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: rdma-context DEVICE N\n");
        return 2;
    }
    int tries = std::atoi(argv[2]);
    int failures = 0;
    for (int i = 1; i <= tries; ++i) {
        int err = open_context(argv[1]);
        if (err == 0) {
            std::printf("context %d ok\n", i);
        } else {
            std::printf("context %d failed: %s\n", i, std::strerror(err));
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}
