#include <ocrt/init/sync.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace ocrt::init;

TEST_CASE("message type names are distinct and unknown values are numbered", "[init][sync]") {
    std::set<std::string> names;
    for (unsigned value = 1; value <= kMaxMsgType; ++value) names.insert(msg_type_name(static_cast<MsgType>(value)));
    CHECK(names.size() == kMaxMsgType);
    CHECK(msg_type_name(MsgType::IdMapRequest) == "IdMapRequest");
    CHECK(msg_type_name(static_cast<MsgType>(0)) == "type 0");
    CHECK(msg_type_name(static_cast<MsgType>(200)) == "type 200");
}

TEST_CASE("stage names are distinct and lower case", "[init][sync]") {
    std::set<std::string> names;
    for (unsigned value = 0; value <= kMaxStage; ++value) {
        std::string name = stage_name(static_cast<Stage>(value));
        for (char c : name) CHECK_FALSE((c >= 'A' && c <= 'Z'));
        names.insert(name);
    }
    CHECK(names.size() == kMaxStage + 1u);
    CHECK(stage_name(Stage::Mounts) == "mounts");
    CHECK(stage_name(Stage::UserNs) == "user namespace");
}
