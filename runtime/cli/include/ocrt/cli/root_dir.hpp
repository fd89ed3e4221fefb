// Where container state lives (--root), cli-contract.md §2: /run/ocrt, or
// $XDG_RUNTIME_DIR/ocrt for unprivileged callers. Podman never passes --root and
// calls kill/delete with XDG_RUNTIME_DIR as the only variable, so the rule must
// give the same answer with an almost empty environment.
#pragma once

#include <ocrt/base/result.hpp>

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace ocrt::cli {

struct RootEnvironment {
    uid_t euid = 0;
    bool in_user_namespace = false;
    std::optional<std::string> user;             // $USER
    std::optional<std::string> xdg_runtime_dir;  // $XDG_RUNTIME_DIR
};

struct DefaultRoot {
    std::string path;
    bool in_xdg = false;  // created with the sticky bit so the session cleaner keeps it
};

// XDG applies when euid != 0, or euid == 0 inside a user namespace with $USER
// not "root" (unset counts as not root).
bool should_use_xdg_runtime_dir(const RootEnvironment &env);
// $XDG_RUNTIME_DIR/ocrt when the rule applies and the variable is non-empty, else /run/ocrt.
DefaultRoot default_root(const RootEnvironment &env);

// given made absolute against cwd and normalised; "/" is rejected.
Result<std::string> resolve_root(std::string_view given, std::string_view cwd);

// True when /proc/self/uid_map is not the initial namespace's identity map.
bool running_in_user_namespace();

// Creates the default root (0700, plus sticky in XDG) if it does not exist.
Result<void> ensure_default_root(const DefaultRoot &root);

}  // namespace ocrt::cli
