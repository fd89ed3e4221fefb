// --pid-file: the init's host pid as bare decimal digits, no newline (go-runc,
// conmon and runtime-tools all parse the raw bytes). Written atomically because
// callers may pre-create the file and poll it.
#pragma once

#include <ocrt/base/result.hpp>

#include <sys/types.h>

#include <string>

namespace ocrt::container {

// A relative path is taken against cwd (the invocation's, not the bundle's).
std::string absolute_path(const std::string &path, const std::string &cwd);

// Writes pid to the absolute path through a temporary ".<name>..." in the same directory and a rename.
Result<void> write_pid_file(const std::string &path, pid_t pid);

}  // namespace ocrt::container
