// "org.systemd.property.<Name>" annotations (runc's docs/systemd-properties.md) as unit
// properties: GVariant text and plain text, each type, and the errors.
#include <ocrt/cgroups/systemd_properties.hpp>

#include <catch2/catch.hpp>

#include "property_text.hpp"

#include <limits>
#include <map>
#include <string>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

constexpr uint64_t kInf = std::numeric_limits<uint64_t>::max();

// The one property for one annotation "org.systemd.property.<name>" = value.
PropertyValue value_of(const std::string &name, const std::string &value) {
    auto out = annotation_properties({{"org.systemd.property." + name, value}});
    if (!out) FAIL(out.error().render());
    REQUIRE(out->size() == 1);
    CHECK((*out)[0].name == name);
    return (*out)[0].value;
}

std::string error_of(const std::string &name, const std::string &value) {
    auto out = annotation_properties({{"org.systemd.property." + name, value}});
    REQUIRE_FALSE(out);
    return out.error().render();
}

}  // namespace

TEST_CASE("systemd annotations: runc's documented examples") {
    auto out = annotation_properties({{"org.systemd.property.TimeoutStopUSec", "uint64 123456789"},
                                      {"org.systemd.property.CollectMode", "'inactive-or-failed'"}});
    REQUIRE(out);
    // std::map order.
    std::vector<UnitProperty> want = {{"CollectMode", std::string("inactive-or-failed")},
                                      {"TimeoutStopUSec", uint64_t{123456789}}};
    CHECK(*out == want);
}

TEST_CASE("systemd annotations: other annotations are ignored") {
    auto out = annotation_properties({{"io.kubernetes.cri.sandbox-id", "x"},
                                      {"org.systemd.propertyX", "y"},
                                      {"org.systemd.Property.CollectMode", "bad"}});
    REQUIRE(out);
    CHECK(out->empty());
    auto none = annotation_properties({});
    REQUIRE(none);
    CHECK(none->empty());
}

TEST_CASE("systemd annotations: microseconds as GVariant uint64, plain number or with a unit") {
    CHECK(value_of("TimeoutStopUSec", "uint64 5") == PropertyValue(uint64_t{5}));
    CHECK(value_of("TimeoutStopUSec", "@t 5") == PropertyValue(uint64_t{5}));
    CHECK(value_of("TimeoutStopUSec", "5") == PropertyValue(uint64_t{5}));
    CHECK(value_of("TimeoutStopUSec", " 10s ") == PropertyValue(uint64_t{10000000}));
    CHECK(value_of("TimeoutStopUSec", "250ms") == PropertyValue(uint64_t{250000}));
    CHECK(value_of("TimeoutStopUSec", "7us") == PropertyValue(uint64_t{7}));
    CHECK(value_of("RuntimeMaxUSec", "infinity") == PropertyValue(kInf));
    CHECK(value_of("CPUQuotaPerSecUSec", "500ms") == PropertyValue(uint64_t{500000}));
    CHECK(value_of("CPUQuotaPeriodUSec", "uint64 100000") == PropertyValue(uint64_t{100000}));
    const std::string usec = "\" is not a time span (microseconds as 5000000 or \"uint64 5000000\", or 5s, 500ms, 10us, infinity)";
    const std::string at = "config.json: /annotations/org.systemd.property.TimeoutStopUSec: \"";
    CHECK(error_of("TimeoutStopUSec", "1min") == at + "1min" + usec);
    CHECK(error_of("TimeoutStopUSec", "uint64 10s") == at + "uint64 10s" + usec);  // GVariant integers have no unit
    CHECK(error_of("TimeoutStopUSec", "int32 5") == at + "int32 5" + usec);
    CHECK(error_of("TimeoutStopUSec", "-5") == at + "-5" + usec);
    CHECK(error_of("TimeoutStopUSec", "s") == at + "s" + usec);
    CHECK(error_of("TimeoutStopUSec", "") == at + usec);
    CHECK(error_of("TimeoutStopUSec", "99999999999999999999s") == at + "99999999999999999999s" + usec);
    CHECK(error_of("TimeoutStopUSec", "18446744073709552s") == at + "18446744073709552s" + usec);  // overflows µs
}

TEST_CASE("systemd annotations: <Name>Sec, as systemd documents the time properties, in seconds (as runc)") {
    auto out = annotation_properties({{"org.systemd.property.TimeoutStopSec", "uint64 3"}});
    REQUIRE(out);
    CHECK(*out == std::vector<UnitProperty>{{"TimeoutStopUSec", uint64_t{3000000}}});
    out = annotation_properties({{"org.systemd.property.RuntimeMaxSec", "90"}});
    REQUIRE(out);
    CHECK(*out == std::vector<UnitProperty>{{"RuntimeMaxUSec", uint64_t{90000000}}});
    out = annotation_properties({{"org.systemd.property.CPUQuotaPeriodSec", "10ms"}});
    REQUIRE(out);
    CHECK(*out == std::vector<UnitProperty>{{"CPUQuotaPeriodUSec", uint64_t{10000}}});
    out = annotation_properties({{"org.systemd.property.TimeoutStopSec", "infinity"}});
    REQUIRE(out);
    CHECK(*out == std::vector<UnitProperty>{{"TimeoutStopUSec", kInf}});
    // The error names the annotation as written; seconds that overflow µs are refused.
    CHECK(annotation_properties({{"org.systemd.property.TimeoutStopSec", "18446744073710"}}).error().render() ==
          "config.json: /annotations/org.systemd.property.TimeoutStopSec: \"18446744073710\" is not a time span "
          "(seconds as 5 or \"uint64 5\", or 5s, 500ms, 10us, infinity)");
}

TEST_CASE("systemd annotations: limits take infinity, plain numbers do not") {
    CHECK(value_of("MemoryMax", "uint64 1073741824") == PropertyValue(uint64_t{1073741824}));
    CHECK(value_of("MemoryMax", "infinity") == PropertyValue(kInf));
    CHECK(value_of("TasksMax", "100") == PropertyValue(uint64_t{100}));
    CHECK(value_of("MemoryLimit", "4096") == PropertyValue(uint64_t{4096}));
    CHECK(value_of("CPUWeight", "uint64 200") == PropertyValue(uint64_t{200}));
    CHECK(value_of("IOWeight", "50") == PropertyValue(uint64_t{50}));
    CHECK(error_of("MemoryMax", "1G") ==
          "config.json: /annotations/org.systemd.property.MemoryMax: \"1G\" is not an unsigned number or \"infinity\"");
    CHECK(error_of("CPUWeight", "infinity") ==
          "config.json: /annotations/org.systemd.property.CPUWeight: \"infinity\" is not an unsigned number (e.g. 100 or \"uint64 100\")");
    CHECK(error_of("CPUShares", "10s") ==
          "config.json: /annotations/org.systemd.property.CPUShares: \"10s\" is not an unsigned number (e.g. 100 or \"uint64 100\")");
}

TEST_CASE("systemd annotations: booleans, GVariant and plain") {
    for (const char *yes : {"true", "yes", "1", "on", "boolean true", "@b true", " true "})
        CHECK(value_of("DefaultDependencies", yes) == PropertyValue(true));
    for (const char *no : {"false", "no", "0", "off", "boolean false"})
        CHECK(value_of("SendSIGKILL", no) == PropertyValue(false));
    CHECK(value_of("MemoryAccounting", "false") == PropertyValue(false));
    CHECK(error_of("DefaultDependencies", "maybe") ==
          "config.json: /annotations/org.systemd.property.DefaultDependencies: \"maybe\" is not a boolean (true, false, yes, no, 1, 0)");
    CHECK(error_of("DefaultDependencies", "True") ==
          "config.json: /annotations/org.systemd.property.DefaultDependencies: \"True\" is not a boolean (true, false, yes, no, 1, 0)");
}

TEST_CASE("systemd annotations: strings quoted as GVariant or plain, from the property's choices") {
    CHECK(value_of("CollectMode", "inactive") == PropertyValue(std::string("inactive")));
    CHECK(value_of("CollectMode", "\"inactive-or-failed\"") == PropertyValue(std::string("inactive-or-failed")));
    CHECK(value_of("CollectMode", "@s 'inactive'") == PropertyValue(std::string("inactive")));
    CHECK(value_of("KillMode", "'mixed'") == PropertyValue(std::string("mixed")));
    CHECK(value_of("OOMPolicy", "kill") == PropertyValue(std::string("kill")));
    CHECK(value_of("ManagedOOMSwap", "'auto'") == PropertyValue(std::string("auto")));
    CHECK(value_of("ManagedOOMMemoryPressure", "kill") == PropertyValue(std::string("kill")));
    const std::string at = "config.json: /annotations/org.systemd.property.CollectMode: ";
    CHECK(error_of("CollectMode", "'failed'") == at + "\"'failed'\" is not one of inactive, inactive-or-failed");
    CHECK(error_of("CollectMode", "always") == at + "\"always\" is not one of inactive, inactive-or-failed");
    CHECK(error_of("CollectMode", "'inactive") == at + "\"'inactive\" is not a string (plain or GVariant-quoted)");
    CHECK(error_of("CollectMode", "'inactive' x") == at + "\"'inactive' x\" is not a string (plain or GVariant-quoted)");
    CHECK(error_of("CollectMode", "@s inactive") == at + "\"@s inactive\" is not a string (plain or GVariant-quoted)");
    // A backslash escapes the next character inside the quotes.
    CHECK(error_of("KillMode", "'mi\\'xed'") ==
          "config.json: /annotations/org.systemd.property.KillMode: \"'mi\\'xed'\" is not one of control-group, mixed, process, none");
    CHECK(value_of("KillMode", "'pro\\cess'") == PropertyValue(std::string("process")));
}

TEST_CASE("systemd annotations: an unknown or driver-owned name is refused, naming the annotation") {
    const std::string passes =
        "(it passes BlockIOAccounting, BlockIOWeight, CPUAccounting, CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, "
        "CPUShares, CPUWeight, CollectMode, DefaultDependencies, IOAccounting, IOWeight, KillMode, "
        "ManagedOOMMemoryPressure, ManagedOOMSwap, MemoryAccounting, MemoryHigh, MemoryLimit, MemoryLow, "
        "MemoryMax, MemoryMin, MemorySwapMax, OOMPolicy, RuntimeMaxUSec, SendSIGHUP, SendSIGKILL, "
        "StartupCPUWeight, StartupIOWeight, TasksAccounting, TasksMax, TimeoutStopUSec)";
    CHECK(error_of("TimeoutStopSecs", "5") ==
          "config.json: /annotations/org.systemd.property.TimeoutStopSecs: systemd property \"TimeoutStopSecs\" is not one ocrt passes " + passes);
    // A "Sec" alias exists only for the time properties.
    CHECK(error_of("MemorySec", "5") ==
          "config.json: /annotations/org.systemd.property.MemorySec: systemd property \"MemorySec\" is not one ocrt passes " + passes);
    CHECK(error_of("Description", "'x'") ==
          "config.json: /annotations/org.systemd.property.Description: systemd property \"Description\" is not one ocrt passes " + passes);
    CHECK(error_of("", "x") ==
          "config.json: /annotations/org.systemd.property.: systemd property \"\" is not one ocrt passes " + passes);
    // RFC 6901 escaping in the pointer.
    CHECK(error_of("A/B~C", "x") ==
          "config.json: /annotations/org.systemd.property.A~1B~0C: systemd property \"A/B~C\" is not one ocrt passes " + passes);
    // The first bad one (map order) is reported; nothing is returned.
    auto out = annotation_properties({{"org.systemd.property.CollectMode", "inactive"},
                                      {"org.systemd.property.Delegate", "false"}});
    REQUIRE_FALSE(out);
    CHECK(out.error().render().find("/annotations/org.systemd.property.Delegate: ") != std::string::npos);
}
