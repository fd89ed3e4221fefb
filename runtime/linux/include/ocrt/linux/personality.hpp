// linux.personality: the execution domain set in the init right before the user
// process is started; personality(2) survives execve.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

namespace ocrt::os {

// The personality(2) argument for linux.personality (PER_LINUX, PER_LINUX32).
// The spec defines no flags yet; the config validation refuses any.
Result<unsigned long> personality_value(const spec::Personality &personality);

// Sets linux.personality when the config has one; does nothing otherwise.
Result<void> apply_personality(const spec::Config &config, Kernel &kernel);

}  // namespace ocrt::os
