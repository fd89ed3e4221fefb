// Private to spec/: the parsers of config.json's sections, one file each.
// Each fills its model from a JSON value and records problems at their pointers.
#pragma once

#include "json_reader.hpp"

#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::spec::detail {

void parse_id_mapping(const json &j, const std::string &ptr, Errors &errors, IdMapping &out);
void parse_mount(const json &j, const std::string &ptr, Errors &errors, Mount &out);
void parse_hooks(const json &j, const std::string &ptr, Errors &errors, Hooks &out);
void parse_process_object(const json &j, const std::string &ptr, Errors &errors, Process &out);
void parse_linux_object(const json &j, const std::string &ptr, Errors &errors, LinuxConfig &out);
void parse_resources(const json &j, const std::string &ptr, Errors &errors, Resources &out);
void parse_seccomp(const json &j, const std::string &ptr, Errors &errors, Seccomp &out);

// "1.0.0" .. "1.3.x", pre-release and build suffixes allowed.
bool supported_oci_version(const std::string &version);

}  // namespace ocrt::spec::detail
