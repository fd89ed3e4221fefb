// linux.sysctl keys: which namespace each belongs to. Only these may be set for a
// container, and only with a namespace of that type in linux.namespaces:
//   ipc:     kernel.msgmax, msgmnb, msgmni, sem, shmall, shmmax, shmmni,
//            shm_rmid_forced and fs.mqueue.* (ipc_namespaces(7))
//   network: net.*
//   uts:     kernel.hostname, kernel.domainname
// Pure string logic; the runtime side is runtime/linux/sysctl.cpp.
#pragma once

#include <ocrt/spec/config.hpp>

#include <optional>
#include <string>

namespace ocrt::spec {

// A key is "a.b.c", or "a/b/c" when a component itself holds dots
// (net/ipv4/conf/eth0.1/rp_filter): the dotted form, or nullopt for empty,
// "." or ".." components.
std::optional<std::string> dotted_sysctl_key(const std::string &key);

// The namespace a (valid) key lives in; nullopt when it is not namespaced.
std::optional<NamespaceType> sysctl_namespace(const std::string &key);

// "/linux/sysctl/<key>" as a JSON pointer (RFC 6901 escaping).
std::string sysctl_pointer(const std::string &key);

}  // namespace ocrt::spec
