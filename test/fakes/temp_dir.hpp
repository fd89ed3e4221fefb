// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its content on destruction.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace ocrt::testing {

class TempDir {
public:
    TempDir() {
        const char *base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/ocrt-test-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::string &path() const { return path_; }
    std::string operator/(const std::string &relative) const { return path_ + "/" + relative; }

    // Creates relative (and its parents) as a file with content.
    void write(const std::string &relative, const std::string &content) const {
        std::filesystem::create_directories(std::filesystem::path(*this / relative).parent_path());
        std::ofstream(*this / relative) << content;
    }
    void mkdir(const std::string &relative) const { std::filesystem::create_directories(*this / relative); }
    void symlink(const std::string &target, const std::string &relative) const {
        std::filesystem::create_directories(std::filesystem::path(*this / relative).parent_path());
        std::filesystem::create_symlink(target, *this / relative);
    }

private:
    std::string path_;
};

}  // namespace ocrt::testing
