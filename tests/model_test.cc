// TokenClassifier (shapes, padding, equivalence with libtorch's reference attention), char ids,
// fast_dropout, and the model directory format.
#include "piikit/model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "piikit/config.h"
#include "piikit/dropout.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/torch_runtime.h"
#include "test_model_config.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;

// testing::small_model_config() with every optional part: a coreference head and the char-CNN.
ModelConfig full_config() {
  ModelConfig c = testing::small_model_config();
  c.coref_clusters = 3;
  c.char_cnn = true;
  return c;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("piikit_model_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(ModelTest, ForwardShapes) {
  torch::manual_seed(1);
  ModelConfig c = testing::small_model_config();
  c.coref_clusters = 5;
  TokenClassifier model(c);
  torch::Tensor ids = torch::randint(4, 50, {3, 7}, torch::kLong);
  torch::Tensor mask = torch::ones({3, 7}, torch::kBool);
  ModelOutput out = model->forward(ids, mask);
  EXPECT_EQ(out.pii_logits.sizes(), (std::vector<int64_t>{3, 7, kNumLabels}));
  EXPECT_EQ(out.coref_logits.sizes(), (std::vector<int64_t>{3, 7, 5}));
  model->eval();
  EXPECT_FALSE(TokenClassifier(testing::small_model_config())->forward(ids, mask).coref_logits.defined());
}

TEST(ModelTest, ParameterCountMatchesArchitecture) {
  ModelConfig c = testing::small_model_config();
  TokenClassifier model(c);
  const int64_t d = c.d_model, f = c.ffn_dim;
  const int64_t per_layer = 2 * 2 * d                     // two LayerNorms
                            + (d * 3 * d + 3 * d)         // fused QKV
                            + (d * d + d)                 // attention output
                            + (d * f + f) + (f * d + d);  // FFN
  const int64_t expected = c.vocab_size * d + c.max_length * d + c.num_layers * per_layer + 2 * d +
                           (d * kNumLabels + kNumLabels);
  EXPECT_EQ(model->num_parameters(), expected);
  EXPECT_NE(describe_parameters(model).find("parameters"), std::string::npos);
}

TEST(ModelTest, PaddingDoesNotChangeRealTokens) {
  torch::manual_seed(2);
  TokenClassifier model(testing::small_model_config());
  model->eval();
  torch::Tensor ids = torch::tensor({{2, 10, 11, 12, 3}}, torch::kLong);
  torch::Tensor mask = torch::ones({1, 5}, torch::kBool);
  torch::Tensor alone = model->forward(ids, mask).pii_logits;
  // The same sequence padded with 3 tokens whose ids are garbage: real positions are unchanged.
  torch::Tensor padded_ids = torch::tensor({{2, 10, 11, 12, 3, 40, 41, 42}}, torch::kLong);
  torch::Tensor padded_mask = torch::tensor({{1, 1, 1, 1, 1, 0, 0, 0}}, torch::kBool);
  torch::Tensor padded = model->forward(padded_ids, padded_mask).pii_logits;
  EXPECT_TRUE(torch::allclose(alone, padded.slice(1, 0, 5), 1e-5, 1e-5))
      << (alone - padded.slice(1, 0, 5)).abs().max().item<double>();
}

TEST(ModelTest, MatchesLibtorchMultiheadAttentionReference) {
  // The hand-written layer must compute what a standard pre-norm layer built on
  // torch::nn::MultiheadAttention computes with the same weights (eval mode).
  torch::manual_seed(3);
  ModelConfig c = testing::small_model_config();
  c.num_layers = 1;
  TokenClassifier model(c);
  model->eval();
  auto p = model->named_parameters();
  torch::nn::MultiheadAttention mha(torch::nn::MultiheadAttentionOptions(c.d_model, c.num_heads));
  mha->eval();
  {
    torch::NoGradGuard g;
    mha->in_proj_weight.copy_(p["layer0.qkv.weight"]);
    mha->in_proj_bias.copy_(p["layer0.qkv.bias"]);
    mha->out_proj->weight.copy_(p["layer0.out.weight"]);
    mha->out_proj->bias.copy_(p["layer0.out.bias"]);
  }
  torch::Tensor ids = torch::tensor({{2, 5, 6, 7, 3, 0}, {2, 8, 9, 3, 0, 0}}, torch::kLong);
  torch::Tensor mask = ids != 0;
  torch::Tensor got = model->forward(ids, mask).pii_logits;

  namespace F = torch::nn::functional;
  auto ln = [&](const torch::Tensor& x, const std::string& name) {
    return F::layer_norm(
        x,
        F::LayerNormFuncOptions({c.d_model}).weight(p[name + ".weight"]).bias(p[name + ".bias"]));
  };
  torch::NoGradGuard g;
  torch::Tensor x = F::embedding(ids, p["token_embedding.weight"]) +
                    p["position_embedding"].slice(0, 0, ids.size(1));
  torch::Tensor h = ln(x, "layer0.norm1").transpose(0, 1);  // (T, B, D) for MultiheadAttention
  torch::Tensor attn = std::get<0>(mha->forward(h, h, h, /*key_padding_mask=*/mask.logical_not()));
  x = x + attn.transpose(0, 1);
  torch::Tensor f =
      torch::gelu(F::linear(ln(x, "layer0.norm2"), p["layer0.ffn1.weight"], p["layer0.ffn1.bias"]));
  x = x + F::linear(f, p["layer0.ffn2.weight"], p["layer0.ffn2.bias"]);
  torch::Tensor want = F::linear(ln(x, "final_norm"), p["pii_head.weight"], p["pii_head.bias"]);
  // Compare real tokens only (padded query rows are unspecified).
  torch::Tensor m = mask.unsqueeze(-1).expand_as(got);
  double maxdiff = (got - want).abs().masked_select(m).max().item<double>();
  EXPECT_LT(maxdiff, 1e-5);
}

// Restores the GEMM backend a test changed.
struct BackendGuard {
  GemmBackend saved = gemm_backend();
  ~BackendGuard() { set_gemm_backend(saved); }
};

TEST(ModelTest, GemmBackendVariableIsParsedAndBadValuesAreErrors) {
  const GemmBackend fallback = onednn_available() ? GemmBackend::kOneDnn : GemmBackend::kBlas;
  EXPECT_EQ(parse_gemm_backend(nullptr), fallback);
  EXPECT_EQ(parse_gemm_backend(""), fallback);
  EXPECT_EQ(parse_gemm_backend("onednn"), fallback);
  EXPECT_EQ(parse_gemm_backend("blas"), GemmBackend::kBlas);
  EXPECT_EQ(error_of([] { parse_gemm_backend("mkl"); }),
            "PIIKIT_GEMM: expected blas or onednn, got \"mkl\"");
}

TEST(ModelTest, OneDnnAndBlasGemmsGiveTheSameOutputsAndGradients) {
  if (!onednn_available()) GTEST_SKIP() << "this libtorch has no oneDNN: nothing to compare";
  BackendGuard guard;
  torch::manual_seed(3);
  TokenClassifier model(full_config());
  // 12 x 12 = 144 rows: above the size where the oneDNN path is taken.
  torch::Tensor ids = torch::randint(4, 50, {12, 12}, torch::kLong);
  torch::Tensor mask = torch::ones({12, 12}, torch::kBool);
  mask.index_put_({torch::indexing::Slice(0, 4), torch::indexing::Slice(8, 12)}, false);
  torch::Tensor chars = torch::randint(0, 97, {12, 12, kCharsPerToken}, torch::kLong);
  auto run = [&](GemmBackend backend) {
    set_gemm_backend(backend);
    model->zero_grad();
    ModelOutput out = model->forward(ids, mask, chars);
    (out.pii_logits.square().mean() + out.coref_logits.mean()).backward();
    std::vector<torch::Tensor> grads;
    for (const auto& p : model->parameters()) grads.push_back(p.grad().clone());
    return std::make_pair(out.pii_logits.detach().clone(), grads);
  };
  model->eval();  // no dropout: both runs compute the same function
  const auto [blas_logits, blas_grads] = run(GemmBackend::kBlas);
  const auto [dnn_logits, dnn_grads] = run(GemmBackend::kOneDnn);
  EXPECT_EQ(gemm_backend(), GemmBackend::kOneDnn);
  const torch::Tensor valid = mask.unsqueeze(-1);
  EXPECT_LT((blas_logits - dnn_logits).abs().masked_select(valid).max().item<float>(), 1e-4);
  ASSERT_EQ(blas_grads.size(), dnn_grads.size());
  for (std::size_t i = 0; i < blas_grads.size(); ++i) {
    const float scale = std::max(1e-3f, blas_grads[i].abs().max().item<float>());
    EXPECT_LT((blas_grads[i] - dnn_grads[i]).abs().max().item<float>() / scale, 1e-3)
        << "parameter " << i;
  }
}

TEST(ModelTest, CharCnnChangesOutputsAndNeedsCharIds) {
  torch::manual_seed(4);
  ModelConfig c = testing::small_model_config();
  c.char_cnn = true;
  TokenClassifier model(c);
  model->eval();
  torch::Tensor ids = torch::tensor({{2, 10, 3}}, torch::kLong);
  torch::Tensor mask = torch::ones({1, 3}, torch::kBool);
  torch::Tensor chars_a = torch::zeros({1, 3, kCharsPerToken}, torch::kLong);
  torch::Tensor chars_b = chars_a.clone();
  chars_b.index_put_({0, 1, 0}, 2 + ('7' - 0x20));
  torch::Tensor a = model->forward(ids, mask, chars_a).pii_logits;
  torch::Tensor b = model->forward(ids, mask, chars_b).pii_logits;
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{1, 3, kNumLabels}));
  EXPECT_GT((a - b).abs().max().item<double>(), 1e-6);
  EXPECT_THROW(model->forward(ids, mask), c10::Error);
}

TEST(ModelTest, CharIdsFollowTokenOffsetsInCodePoints) {
  Encoding enc;
  enc.ids = {2, 7, 8, 3};
  // "Zoë 12": token 1 = "Zoë" [0,3), token 2 = "12" [4,6); [CLS]/[SEP] have -1.
  enc.offsets = {{-1, -1}, {0, 3}, {4, 6}, {-1, -1}};
  std::vector<int64_t> ids = char_ids_for(enc, "Zo\xc3\xab 12");
  ASSERT_EQ(ids.size(), 4u * kCharsPerToken);
  auto at = [&](int token, int ch) { return ids[token * kCharsPerToken + ch]; };
  EXPECT_EQ(at(0, 0), 0);
  EXPECT_EQ(at(1, 0), 2 + ('Z' - 0x20));
  EXPECT_EQ(at(1, 1), 2 + ('o' - 0x20));
  EXPECT_EQ(at(1, 2), 1);  // non-ASCII
  EXPECT_EQ(at(1, 3), 0);  // padding
  EXPECT_EQ(at(2, 0), 2 + ('1' - 0x20));
  EXPECT_EQ(at(2, 1), 2 + ('2' - 0x20));
  EXPECT_EQ(at(3, 0), 0);
  // A long token keeps its first kCharsPerToken characters.
  Encoding long_enc;
  long_enc.ids = {9};
  long_enc.offsets = {{0, 20}};
  std::vector<int64_t> long_ids = char_ids_for(long_enc, std::string(20, 'a'));
  for (int i = 0; i < kCharsPerToken; ++i) EXPECT_EQ(long_ids[i], 2 + ('a' - 0x20)) << i;
}

TEST(ModelTest, InvalidConfigIsRejected) {
  ModelConfig c = testing::small_model_config();
  c.num_heads = 3;  // 16 % 3 != 0
  std::string what = error_of([&] { TokenClassifier m(c); });
  EXPECT_NE(what.find("model.d_model"), std::string::npos) << what;
  EXPECT_NE(what.find("num_heads = 3"), std::string::npos) << what;
}

TEST(ModelTest, TooLongSequenceIsRejected) {
  TokenClassifier model(testing::small_model_config());
  torch::Tensor ids = torch::ones({1, 13}, torch::kLong);
  EXPECT_THROW(model->forward(ids, ids > 0), c10::Error);
}

TEST(DropoutTest, KeepsExpectedShareScalesAndIsSeeded) {
  torch::manual_seed(5);
  torch::Tensor x = torch::ones({1000, 100}).requires_grad_(true);
  torch::Tensor y = fast_dropout(x, 0.1);
  double kept = (y != 0).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(kept, 0.9, 0.005);  // 1e5 draws: sd 0.001
  // Kept values are scaled by 1/(1-p).
  EXPECT_NEAR(y.masked_select(y != 0).mean().item<double>(), 1.0 / 0.9, 1e-6);
  // The gradient uses the same mask and scale.
  y.sum().backward();
  EXPECT_TRUE(torch::equal(x.grad(), y.detach()));
  // torch::manual_seed fixes the masks.
  torch::manual_seed(5);
  torch::Tensor y2 = fast_dropout(torch::ones({1000, 100}), 0.1);
  EXPECT_TRUE(torch::equal(y.detach(), y2));
  EXPECT_FALSE(torch::equal(y2, fast_dropout(torch::ones({1000, 100}), 0.1)));
  // Neighbouring elements are independent enough: no two consecutive chunks repeat.
  EXPECT_FALSE(torch::equal(y2.view(-1).slice(0, 0, 16384), y2.view(-1).slice(0, 16384, 32768)));
  EXPECT_TRUE(torch::equal(fast_dropout(x, 0.0), x));
}

TEST(ModelDirTest, SaveLoadRoundTripGivesSameOutputs) {
  TempDir dir;
  torch::manual_seed(6);
  TokenClassifier model(full_config());
  model->eval();
  save_model(model, dir.path.string());
  EXPECT_TRUE(fs::exists(dir.path / "model.pt"));
  EXPECT_TRUE(fs::exists(dir.path / "model.toml"));
  // No temporary files left behind.
  for (const auto& e : fs::directory_iterator(dir.path)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  TokenClassifier loaded = load_model_weights(dir.path.string());
  loaded->eval();
  EXPECT_EQ(loaded->config().coref_clusters, 3);
  EXPECT_TRUE(loaded->config().char_cnn);
  torch::Tensor ids = torch::randint(4, 50, {2, 6}, torch::kLong);
  torch::Tensor chars = torch::randint(0, kCharVocabSize, {2, 6, kCharsPerToken}, torch::kLong);
  torch::Tensor mask = torch::ones({2, 6}, torch::kBool);
  auto a = model->forward(ids, mask, chars);
  auto b = loaded->forward(ids, mask, chars);
  EXPECT_TRUE(torch::equal(a.pii_logits, b.pii_logits));
  EXPECT_TRUE(torch::equal(a.coref_logits, b.coref_logits));
}

TEST(ModelDirTest, LoadErrorsNameTheFile) {
  TempDir dir;
  std::string d = dir.path.string();
  EXPECT_NE(error_of([&] { load_model_weights(d + "/nope"); }).find("/nope"), std::string::npos);
  std::string what = error_of([&] { load_model_weights(d); });
  EXPECT_NE(what.find("model.toml: missing"), std::string::npos) << what;

  TokenClassifier model(testing::small_model_config());
  save_model(model, d);
  // Garbage model.pt.
  std::string good_pt = read_file(d + "/model.pt");
  write_file_atomic(d + "/model.pt", "not a zip archive");
  what = error_of([&] { load_model_weights(d); });
  EXPECT_NE(what.find("model.pt: not a readable piikit model file"), std::string::npos) << what;
  write_file_atomic(d + "/model.pt", good_pt);
  // model.toml that does not match the weights.
  ModelConfig wider = testing::small_model_config();
  wider.ffn_dim = 64;
  write_file_atomic(d + "/model.toml", model_config_to_toml(wider));
  what = error_of([&] { load_model_weights(d); });
  EXPECT_NE(what.find("model.pt: tensor \"layer0.ffn1.weight\" has shape [32, 16]"),
            std::string::npos)
      << what;
  // A bad value in model.toml names file, line and key.
  write_file_atomic(d + "/model.toml", "[model]\nd_model = 16\nnum_heads = 4\nffn_dim = \"x\"\n");
  what = error_of([&] { load_model_weights(d); });
  EXPECT_NE(what.find("model.toml:4: model.ffn_dim: expected an integer"), std::string::npos)
      << what;
  // A torch archive without piikit's header.
  torch::serialize::OutputArchive other;
  other.write("weight", torch::zeros({2}));
  other.save_to(d + "/model.pt");
  write_file_atomic(d + "/model.toml", model_config_to_toml(testing::small_model_config()));
  what = error_of([&] { load_model_weights(d); });
  EXPECT_NE(what.find("no piikit format header"), std::string::npos) << what;
}

TEST(ModelDirTest, SaveNeedsExistingDirectory) {
  TokenClassifier model(testing::small_model_config());
  std::string what = error_of([&] { save_model(model, "/nonexistent/piikit/dir"); });
  EXPECT_NE(what.find("/nonexistent/piikit/dir"), std::string::npos) << what;
}

}  // namespace
}  // namespace piikit
