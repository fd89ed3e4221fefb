#include <ocrt/cgroups/device_filter_v2.hpp>

#include <ocrt/base/text.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/cgroups/files.hpp>

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

namespace ocrt::cgroups {
namespace {

// Registers while the program runs: R2 the device type, R3 the access bits still to
// decide, R4 major, R5 minor; R1 (the context) is a scratch register after the prologue.
constexpr uint8_t kType = BPF_REG_2, kPending = BPF_REG_3, kMajor = BPF_REG_4, kMinor = BPF_REG_5,
                  kScratch = BPF_REG_1;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
bpf_insn load_u32(uint8_t dst, int16_t offset) { return insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, offset, 0); }
bpf_insn mov32_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn return_imm(int32_t value) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, value); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }
// A jump to the end of the current rule's block; the offset is filled in when the block is done.
constexpr int16_t kToNextRule = std::numeric_limits<int16_t>::min();
bpf_insn jump_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_JMP | op | BPF_K, dst, 0, kToNextRule, imm); }

Error rule_error(size_t index, const std::string &problem) {
    return Error(EINVAL, "config.json: /linux/resources/devices/" + std::to_string(index) + ": " + problem);
}

Result<int32_t> device_number(const std::optional<int64_t> &value, size_t index, const char *field) {
    if (*value > std::numeric_limits<int32_t>::max())
        return rule_error(index, std::string("\"") + field + "\" " + std::to_string(*value) + " is not a device number");
    return static_cast<int32_t>(*value);
}

long bpf(int command, bpf_attr &attr) { return ::syscall(SYS_bpf, command, &attr, sizeof(attr)); }

using text::quoted;

Result<unique_fd> load_program(const std::vector<bpf_insn> &program) {
    static const char license[] = "Apache-2.0";  // no GPL-only helpers are called
    static char log[16384];
    for (uint32_t log_level : {0u, 1u}) {
        bpf_attr attr{};
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insn_cnt = static_cast<uint32_t>(program.size());
        attr.insns = reinterpret_cast<uintptr_t>(program.data());
        attr.license = reinterpret_cast<uintptr_t>(license);
        if (log_level) {
            log[0] = '\0';
            attr.log_level = log_level;
            attr.log_buf = reinterpret_cast<uintptr_t>(log);
            attr.log_size = sizeof(log);
        }
        long fd = bpf(BPF_PROG_LOAD, attr);
        if (fd >= 0) return unique_fd(static_cast<int>(fd));
        int err = errno;
        // Only the verifier's rejection has a log worth retrying for.
        if (err != EINVAL && err != EACCES) return Error(err, "load the cgroup v2 device filter (bpf BPF_PROG_LOAD)");
        if (log_level) {
            std::string text(log);
            while (!text.empty() && text.back() == '\n') text.pop_back();
            if (auto cut = text.rfind('\n'); cut != std::string::npos) text = text.substr(cut + 1);
            return Error(err, "load the cgroup v2 device filter (bpf BPF_PROG_LOAD): verifier: " + text);
        }
    }
    return Error(EINVAL, "load the cgroup v2 device filter");
}

Result<unique_fd> open_cgroup(const std::string &dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Error(err, "open cgroup " + quoted(dir));
    }
    return unique_fd(fd);
}

Result<std::vector<uint32_t>> query(int cgroup_fd, const std::string &dir) {
    std::vector<uint32_t> ids(64);
    for (;;) {
        bpf_attr attr{};
        attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
        attr.query.attach_type = BPF_CGROUP_DEVICE;
        attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids.data());
        attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
        if (bpf(BPF_PROG_QUERY, attr) == 0) {
            ids.resize(attr.query.prog_cnt);
            return ids;
        }
        int err = errno;
        if (err == ENOSPC && attr.query.prog_cnt > ids.size()) {
            ids.resize(attr.query.prog_cnt);
            continue;
        }
        return Error(err, "list the device filters of cgroup " + quoted(dir) + " (bpf BPF_PROG_QUERY)");
    }
}

}  // namespace

Result<std::vector<bpf_insn>> device_filter_program(const std::vector<spec::DeviceRule> &rules) {
    std::vector<bpf_insn> program;
    // bpf_cgroup_dev_ctx: access_type = access << 16 | type, then major, then minor.
    program.push_back(load_u32(kType, offsetof(bpf_cgroup_dev_ctx, access_type)));
    program.push_back(mov32_reg(kPending, kType));
    program.push_back(alu32_imm(BPF_RSH, kPending, 16));
    program.push_back(alu32_imm(BPF_AND, kType, 0xffff));
    program.push_back(load_u32(kMajor, offsetof(bpf_cgroup_dev_ctx, major)));
    program.push_back(load_u32(kMinor, offsetof(bpf_cgroup_dev_ctx, minor)));

    // Last match wins: the rules are tested from the last one back. A rule decides the
    // access bits it names that no later rule decided: a deny of any of them refuses,
    // an allow takes them off the pending set, and nothing pending left is an allow.
    for (size_t index = rules.size(); index-- > 0;) {
        const spec::DeviceRule &rule = rules[index];
        std::vector<bpf_insn> block;
        if (rule.type == "c") block.push_back(jump_imm(BPF_JNE, kType, BPF_DEVCG_DEV_CHAR));
        else if (rule.type == "b") block.push_back(jump_imm(BPF_JNE, kType, BPF_DEVCG_DEV_BLOCK));
        else if (!rule.type.empty() && rule.type != "a") return rule_error(index, "type " + quoted(rule.type) + " is not a, b or c");
        if (rule.major && *rule.major >= 0)
            block.push_back(jump_imm(BPF_JNE, kMajor, OCRT_TRY(device_number(rule.major, index, "major"))));
        if (rule.minor && *rule.minor >= 0)
            block.push_back(jump_imm(BPF_JNE, kMinor, OCRT_TRY(device_number(rule.minor, index, "minor"))));
        int32_t access = 0;
        for (char c : rule.access.empty() ? std::string("rwm") : rule.access) {
            if (c == 'r') access |= BPF_DEVCG_ACC_READ;
            else if (c == 'w') access |= BPF_DEVCG_ACC_WRITE;
            else if (c == 'm') access |= BPF_DEVCG_ACC_MKNOD;
            else return rule_error(index, "access " + quoted(rule.access) + " is not a combination of r, w and m");
        }
        block.push_back(mov32_reg(kScratch, kPending));
        block.push_back(alu32_imm(BPF_AND, kScratch, access));
        block.push_back(jump_imm(BPF_JEQ, kScratch, 0));
        if (rule.allow) {
            block.push_back(alu32_imm(BPF_AND, kPending, ~access));
            block.push_back(jump_imm(BPF_JNE, kPending, 0));
            block.push_back(return_imm(1));
        } else {
            block.push_back(return_imm(0));
        }
        block.push_back(exit_insn());
        for (size_t i = 0; i < block.size(); ++i)
            if (block[i].off == kToNextRule) block[i].off = static_cast<int16_t>(block.size() - i - 1);
        program.insert(program.end(), block.begin(), block.end());
    }
    // No rule decided every bit: deny, as the v1 list does after "a" is denied.
    program.push_back(return_imm(0));
    program.push_back(exit_insn());
    return program;
}

Result<std::vector<uint32_t>> attached_device_filters(const std::string &cgroup_dir) {
    unique_fd cgroup = OCRT_TRY(open_cgroup(cgroup_dir));
    return query(cgroup.get(), cgroup_dir);
}

Result<void> attach_device_filter(const std::string &cgroup_dir, const std::vector<spec::DeviceRule> &rules) {
    std::vector<bpf_insn> program = OCRT_TRY(device_filter_program(rules));
    unique_fd cgroup = OCRT_TRY(open_cgroup(cgroup_dir));
    std::vector<uint32_t> before = OCRT_TRY(query(cgroup.get(), cgroup_dir));
    unique_fd filter = OCRT_TRY(load_program(program));

    bpf_attr attach{};
    attach.target_fd = static_cast<uint32_t>(cgroup.get());
    attach.attach_bpf_fd = static_cast<uint32_t>(filter.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attach) != 0) {
        int err = errno;
        return Error(err, "attach the device filter to cgroup " + quoted(cgroup_dir) + " (bpf BPF_PROG_ATTACH)");
    }
    // The attachment keeps the program alive; the old ones go only now, so no moment
    // passes with fewer restrictions than either list.
    for (uint32_t id : before) {
        bpf_attr get{};
        get.prog_id = id;
        long old = bpf(BPF_PROG_GET_FD_BY_ID, get);
        if (old < 0) {
            if (errno == ENOENT) continue;  // detached meanwhile
            int err = errno;
            return Error(err, "open the old device filter " + std::to_string(id) + " of cgroup " + quoted(cgroup_dir));
        }
        unique_fd old_filter(static_cast<int>(old));
        bpf_attr detach{};
        detach.target_fd = static_cast<uint32_t>(cgroup.get());
        detach.attach_bpf_fd = static_cast<uint32_t>(old_filter.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, detach) != 0 && errno != ENOENT) {
            int err = errno;
            return Error(err, "detach the old device filter from cgroup " + quoted(cgroup_dir) + " (bpf BPF_PROG_DETACH)");
        }
    }
    return ok();
}

Result<void> CgroupFiles::set_device_filter(const std::string &dir, const std::vector<spec::DeviceRule> &rules) {
    return attach_device_filter(dir, rules);
}

}  // namespace ocrt::cgroups
