#include <ocrt/init/sync.hpp>

namespace ocrt::init {

std::string msg_type_name(MsgType type) {
    switch (type) {
    case MsgType::Continue: return "Continue";
    case MsgType::IdMapRequest: return "IdMapRequest";
    case MsgType::IdMapDone: return "IdMapDone";
    case MsgType::ChildPid: return "ChildPid";
    case MsgType::Ready: return "Ready";
    case MsgType::Error: return "Error";
    case MsgType::Log: return "Log";
    case MsgType::Committed: return "Committed";
    case MsgType::RuntimeHooks: return "RuntimeHooks";
    case MsgType::RuntimeHooksDone: return "RuntimeHooksDone";
    case MsgType::SeccompNotifyFd: return "SeccompNotifyFd";
    case MsgType::ConsoleMaster: return "ConsoleMaster";
    }
    return "type " + std::to_string(static_cast<unsigned>(type));
}

std::string stage_name(Stage stage) {
    switch (stage) {
    case Stage::None: return "none";
    case Stage::Spawn: return "spawn";
    case Stage::Cgroup: return "cgroup";
    case Stage::UserNs: return "user namespace";
    case Stage::Namespaces: return "namespaces";
    case Stage::Keyring: return "keyring";
    case Stage::Mounts: return "mounts";
    case Stage::RuntimeHooks: return "runtime hooks";
    case Stage::ContainerHooks: return "container hooks";
    case Stage::PivotRoot: return "pivot root";
    case Stage::Devices: return "devices";
    case Stage::Identity: return "identity";
    case Stage::Security: return "security";
    case Stage::WaitStart: return "wait start";
    case Stage::StartHooks: return "start hooks";
    case Stage::Exec: return "exec";
    }
    return "stage " + std::to_string(static_cast<unsigned>(stage));
}

}  // namespace ocrt::init
