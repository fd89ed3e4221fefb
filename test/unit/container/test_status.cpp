#include "child_process.hpp"
#include "proc_start_time.hpp"

#include <ocrt/container/status.hpp>

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <fstream>
#include <sstream>

using namespace ocrt::container;
using ocrt::testing::Gate;
using ocrt::testing::spawn;
using ocrt::testing::TempDir;
using ocrt::testing::start_time_of;
using ocrt::testing::wait_for;

namespace {


// A child that lives until killed.
class Sleeper {
public:
    Sleeper() : pid_(spawn([] {
                    for (;;) ::pause();
                    return 0;
                })) {}
    ~Sleeper() {
        if (!reaped_) {
            ::kill(pid_, SIGKILL);
            wait_for(pid_);
        }
    }
    pid_t pid() const { return pid_; }
    void kill_without_reaping() {
        ::kill(pid_, SIGKILL);
        // Wait until it is a zombie (state Z) without reaping it.
        siginfo_t info{};
        ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT);
    }
    void reap() {
        wait_for(pid_);
        reaped_ = true;
    }

private:
    pid_t pid_;
    bool reaped_ = false;
};

Record record_of(pid_t pid, unsigned long long start_time, const char *status = "created") {
    Record record;
    record.oci.id = "c";
    record.oci.status = status;
    record.oci.pid = pid;
    record.init_start_time = start_time;
    return record;
}

// init_waiting looks for a listening socket named start.sock.
int make_start_socket(const TempDir &dir) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = dir / "start.sock";
    REQUIRE(path.size() < sizeof address.sun_path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
    return fd;
}

}  // namespace

TEST_CASE("status names round-trip", "[status]") {
    for (Status s : {Status::Creating, Status::Created, Status::Running, Status::Paused, Status::Stopped})
        CHECK(parse_status(status_name(s)) == s);
    CHECK(status_name(Status::Running) == "running");
    CHECK_FALSE(parse_status("dancing"));
}

TEST_CASE("status guards", "[status]") {
    struct Row {
        Status status;
        bool start, kill, remove, live;
    };
    auto row = GENERATE(Row{Status::Creating, false, false, false, false},
                        Row{Status::Created, true, true, true, true},
                        Row{Status::Running, false, true, false, true},
                        Row{Status::Paused, false, true, false, true},
                        Row{Status::Stopped, false, false, true, false});
    CAPTURE(status_name(row.status));
    CHECK(can_start(row.status) == row.start);
    CHECK(can_kill(row.status) == row.kill);
    CHECK(can_delete(row.status) == row.remove);
    CHECK(has_live_init(row.status) == row.live);
}

TEST_CASE("classify turns observations into a status", "[status]") {
    using PS = ProcessState;
    struct Row {
        Observation seen;
        Status expected;
    };
    auto row = GENERATE(Row{{true, true, PS::Gone, false}, Status::Creating},
                        Row{{true, false, PS::Gone, false}, Status::Stopped},  // the creator died
                        Row{{false, false, PS::Alive, true}, Status::Created},
                        Row{{false, true, PS::Alive, true}, Status::Created},
                        Row{{false, false, PS::Alive, false}, Status::Running},
                        Row{{false, false, PS::Exited, true}, Status::Stopped},
                        Row{{false, false, PS::Gone, true}, Status::Stopped},
                        Row{{false, false, PS::Gone, false}, Status::Stopped},
                        Row{{false, false, PS::Alive, false, true}, Status::Paused},  // frozen cgroup
                        Row{{false, false, PS::Alive, true, true}, Status::Paused},
                        Row{{false, false, PS::Exited, false, true}, Status::Stopped});
    CHECK(classify(row.seen) == row.expected);
}

TEST_CASE("parse_proc_stat reads state and start time past a tricky comm", "[status]") {
    std::string tail = " 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100";
    auto stat = parse_proc_stat("42 (a) b (c)) S" + tail);
    REQUIRE(stat);
    CHECK(stat->state == 'S');
    CHECK(stat->start_time == 987654);
    auto zombie = parse_proc_stat("42 (x) Z" + tail);
    REQUIRE(zombie);
    CHECK(zombie->state == 'Z');
    CHECK_FALSE(parse_proc_stat("42 (x)"));
    CHECK_FALSE(parse_proc_stat("garbage"));
}

TEST_CASE("a live child is Running, or Created while its start socket exists", "[status]") {
    TempDir dir;
    Sleeper child;
    Record record = record_of(child.pid(), start_time_of(child.pid()));
    CHECK(probe_process(child.pid(), record.init_start_time) == ProcessState::Alive);
    CHECK(derive_status(record, dir.path(), false) == Status::Running);
    int sock = make_start_socket(dir);
    CHECK(derive_status(record, dir.path(), false) == Status::Created);
    ::close(sock);
}

TEST_CASE("a recycled pid (other start time) is Stopped", "[status]") {
    TempDir dir;
    Sleeper child;
    Record record = record_of(child.pid(), start_time_of(child.pid()) + 1);
    CHECK(probe_process(child.pid(), record.init_start_time) == ProcessState::Gone);
    CHECK(derive_status(record, dir.path(), false) == Status::Stopped);
}

TEST_CASE("a zombie and a reaped init are both Stopped", "[status]") {
    TempDir dir;
    int sock = make_start_socket(dir);  // left behind by an init that died waiting
    Sleeper child;
    Record record = record_of(child.pid(), start_time_of(child.pid()));
    child.kill_without_reaping();
    CHECK(probe_process(child.pid(), record.init_start_time) == ProcessState::Exited);
    CHECK(derive_status(record, dir.path(), false) == Status::Stopped);
    child.reap();
    CHECK(probe_process(child.pid(), record.init_start_time) == ProcessState::Gone);
    CHECK(derive_status(record, dir.path(), false) == Status::Stopped);
    ::close(sock);
}

TEST_CASE("a record still saying creating depends on its creator", "[status]") {
    TempDir dir;
    Record record = record_of(0, 0, "creating");
    CHECK(derive_status(record, dir.path(), true) == Status::Creating);
    CHECK(derive_status(record, dir.path(), false) == Status::Stopped);
}

TEST_CASE("a process handle signals the verified process and sees it exit", "[status]") {
    Sleeper child;
    unsigned long long start = start_time_of(child.pid());
    CHECK_FALSE(ProcessHandle::open(child.pid(), start + 1));
    auto handle = ProcessHandle::open(child.pid(), start);
    REQUIRE(handle);
    CHECK_FALSE(handle->wait_exit(std::chrono::milliseconds(20)));
    REQUIRE(handle->signal(SIGKILL));
    CHECK(handle->wait_exit(std::chrono::seconds(5)));
    CHECK_FALSE(ProcessHandle::open(child.pid(), start));  // a zombie is not alive
    child.reap();
}
