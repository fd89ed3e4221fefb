// What the systemd cgroup driver asks systemd for: linux.resources (and the config's
// org.systemd.property.* annotations) as transient unit properties. Pure: no bus, no
// files. The driver still writes every resource to the cgroup files afterwards;
// the properties are what keeps systemd from resetting them on a daemon-reload.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ocrt::cgroups {

// One D-Bus value of a unit property; its signature follows from the alternative:
// b, t (uint64), x (int64), s, as, ay (a CPU or NUMA-node bitmask), a(ss) (DeviceAllow),
// a(st) (IODeviceWeight, IOReadBandwidthMax, ...).
using StringPairs = std::vector<std::pair<std::string, std::string>>;
using StringUint64Pairs = std::vector<std::pair<std::string, std::uint64_t>>;
using PropertyValue = std::variant<bool, std::uint64_t, std::int64_t, std::string, std::vector<std::string>,
                                   std::vector<std::uint8_t>, StringPairs, StringUint64Pairs>;

struct UnitProperty {
    std::string name;
    PropertyValue value;
    bool operator==(const UnitProperty &) const = default;
};

// The D-Bus signature of a value: "b", "t", "x", "s", "as", "ay", "a(ss)" or "a(st)".
const char *property_signature(const PropertyValue &value);

// What the properties depend on besides the config.
struct SystemdTarget {
    int version = 0;        // systemd's Manager.Version major number (e.g. 252); 0: unknown
    bool unified = true;    // the host is pure cgroup v2 (else v1/hybrid property names)
};

// The properties for linux.resources. Only resources systemd has a property for (in
// that version and cgroup mode) appear; the rest is left to the cgroup files. Always
// first: the accounting switches (Memory/CPU/IO or BlockIO/TasksAccounting = true).
// Device rules become DevicePolicy + DeviceAllow (an empty DeviceAllow first, which
// clears the unit's list on update); where systemd cannot say them exactly, a superset
// on v2 (systemd's eBPF program is ANDed with ocrt's) and a subset on v1 (a reload
// rewrites systemd's list over ocrt's): the driver still installs the exact device
// filter itself, after systemd. linux.resources.unified keys come last (so
// they win, as in the cgroupfs writer); keys systemd has no property for give none.
// Errors name the config field as a JSON pointer (RFC 6901, as the other config
// errors): "config.json: /linux/resources/cpu/cpus: ...",
// "config.json: /linux/resources/unified/memory.max: ...".
Result<std::vector<UnitProperty>> resource_properties(const spec::Resources &resources, const SystemdTarget &target);

// The config's annotations "org.systemd.property.<Name>" = "<value>" as properties,
// the value parsed by the type systemd gives <Name>, as GVariant text ("uint64 5",
// "true", "'kill'") or plain ("5", "5s", "yes", "kill"). Other annotations are ignored.
// A <Name>Sec alias of a time property is <Name>USec in seconds (as runc). Names ocrt
// does not pass are refused with an error naming
// "config.json: /annotations/org.systemd.property.<Name>". The driver sends these
// after resource_properties() so that they win (systemd applies them in order).
Result<std::vector<UnitProperty>> annotation_properties(const std::map<std::string, std::string> &annotations);

}  // namespace ocrt::cgroups
