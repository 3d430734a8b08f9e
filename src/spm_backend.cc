#include "spm_backend.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "spm_shim.h"

#ifndef PIIKIT_SPM_BUILD_PATH
#define PIIKIT_SPM_BUILD_PATH ""
#endif

namespace piikit::detail {
namespace {

constexpr const char* kShimName = "libpiikit_spm.so";

struct Api {
  decltype(&piikit_spm_load) load = nullptr;
  decltype(&piikit_spm_free) free = nullptr;
  decltype(&piikit_spm_piece_size) piece_size = nullptr;
  decltype(&piikit_spm_id_to_piece) id_to_piece = nullptr;
  decltype(&piikit_spm_encode) encode = nullptr;
  decltype(&piikit_spm_train) train = nullptr;
};

// Candidate locations: $PIIKIT_SPM_LIBRARY, next to the running executable, the build tree.
std::vector<std::string> candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("PIIKIT_SPM_LIBRARY"); env && *env) out.emplace_back(env);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((exe.parent_path() / kShimName).string());
  if (*PIIKIT_SPM_BUILD_PATH) out.emplace_back(PIIKIT_SPM_BUILD_PATH);
  return out;
}

template <typename F>
void bind(void* lib, const char* name, F& slot) {
  slot = reinterpret_cast<F>(dlsym(lib, name));
  if (!slot) throw std::runtime_error(std::string(kShimName) + ": missing symbol " + name);
}

const Api& api() {
  static Api instance;
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    std::string tried;
    for (const std::string& path : candidates()) {
      // RTLD_DEEPBIND: sentencepiece's protobuf references resolve inside the shim's own scope,
      // RTLD_LOCAL: and nothing loaded later (libtorch's libprotobuf) binds to them.
      void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (!lib) {
        tried += "\n  " + path + ": " + dlerror();
        continue;
      }
      try {
        bind(lib, "piikit_spm_load", instance.load);
        bind(lib, "piikit_spm_free", instance.free);
        bind(lib, "piikit_spm_piece_size", instance.piece_size);
        bind(lib, "piikit_spm_id_to_piece", instance.id_to_piece);
        bind(lib, "piikit_spm_encode", instance.encode);
        bind(lib, "piikit_spm_train", instance.train);
        return;
      } catch (const std::exception& e) {
        tried += "\n  " + path + ": " + e.what();
      }
    }
    failure = std::string("cannot load the sentencepiece back end ") + kShimName +
              " (it is built next to the piikit binary; set PIIKIT_SPM_LIBRARY to its path):" +
              tried;
  });
  if (!failure.empty()) throw std::runtime_error(failure);
  return instance;
}

void append_bytes(void* ctx, const char* data, std::size_t n) {
  static_cast<std::string*>(ctx)->append(data, n);
}

void push_piece(void* ctx, int id, std::size_t begin, std::size_t end) {
  static_cast<std::vector<SpmPiece>*>(ctx)->push_back({id, begin, end});
}

}  // namespace

SpmModel::~SpmModel() {
  if (handle_) api().free(handle_);
}

SpmModel& SpmModel::operator=(SpmModel&& other) noexcept {
  if (this != &other) {
    if (handle_) api().free(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void SpmModel::load(const std::string& serialized) {
  char err[512] = {0};
  void* handle = api().load(serialized.data(), serialized.size(), err, sizeof(err));
  if (!handle) throw std::invalid_argument(err);
  if (handle_) api().free(handle_);
  handle_ = handle;
}

int SpmModel::piece_size() const { return handle_ ? api().piece_size(handle_) : 0; }

std::string SpmModel::id_to_piece(int id) const {
  std::string out;
  api().id_to_piece(handle_, id, append_bytes, &out);
  return out;
}

void SpmModel::encode(std::string_view text, std::vector<SpmPiece>& out) const {
  out.clear();
  if (api().encode(handle_, text.data(), text.size(), push_piece, &out) != 0) {
    throw std::runtime_error("sentencepiece failed to encode a chunk");
  }
}

std::string spm_train(const std::vector<std::pair<std::string, std::string>>& args,
                      const std::vector<std::string>& sentences, unsigned seed) {
  std::vector<const char*> keys, values, texts;
  std::vector<std::size_t> lens;
  for (const auto& [k, v] : args) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  for (const auto& s : sentences) {
    texts.push_back(s.data());
    lens.push_back(s.size());
  }
  std::string model;
  char err[512] = {0};
  if (api().train(keys.data(), values.data(), keys.size(), texts.data(), lens.data(),
                  texts.size(), seed, append_bytes, &model, err, sizeof(err)) != 0) {
    throw std::invalid_argument(std::string("sentencepiece training failed: ") + err);
  }
  return model;
}

}  // namespace piikit::detail
