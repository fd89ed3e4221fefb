// config.json "linux.seccomp".
#include "config_parts.hpp"

namespace ocrt::spec::detail {
namespace {

void read_action(const ObjectReader &r, std::string_view key, SeccompAction &out) {
    std::string name;
    if (r.word(key, name, seccomp_action_words(), "seccomp action", Need::Required))
        out = *seccomp_action(name);
}

void parse_arg(const json &j, const std::string &ptr, Errors &errors, SeccompArg &out) {
    ObjectReader r(j, ptr, errors);
    r.field("index", out.index, Need::Required);
    r.field("value", out.value, Need::Required);
    r.field("valueTwo", out.value_two);
    std::string op;
    if (r.word("op", op, seccomp_operator_words(), "seccomp operator", Need::Required))
        out.op = *seccomp_operator(op);
}

void parse_syscall(const json &j, const std::string &ptr, Errors &errors, SeccompSyscall &out) {
    ObjectReader r(j, ptr, errors);
    if (r.field("names", out.names, Need::Required) && out.names.empty())
        fail(errors, r.at("names"), "must contain at least one syscall name");
    read_action(r, "action", out.action);
    r.field("errnoRet", out.errno_ret);
    r.array("args", out.args, parse_arg);
}

}  // namespace

void parse_seccomp(const json &j, const std::string &ptr, Errors &errors, Seccomp &out) {
    ObjectReader r(j, ptr, errors);
    read_action(r, "defaultAction", out.default_action);
    r.field("defaultErrnoRet", out.default_errno_ret);
    r.words("architectures", out.architectures, seccomp_arch_words(), "seccomp architecture");
    r.words("flags", out.flags, seccomp_flag_words(), "seccomp flag");
    r.field("listenerPath", out.listener_path);
    r.field("listenerMetadata", out.listener_metadata);
    r.array("syscalls", out.syscalls, parse_syscall);
}

}  // namespace ocrt::spec::detail
