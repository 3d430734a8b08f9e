#include "piikit/sample_io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/label_set.h"
#include "piikit/utf8.h"

namespace piikit {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kDir = std::string(PIIKIT_TEST_DATA_DIR) + "/io/";

int T(std::string_view name) { return *type_from_name(name); }

// what() of the DataError thrown by f, or a description of what happened instead.
template <class F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "no exception";
}

std::vector<Sample> jsonl(const std::string& text, ReadOptions options = {},
                          SkipReport* report = nullptr) {
  std::istringstream in(text);
  return read_jsonl(in, "t.jsonl", options, report);
}

std::string jsonl_error(const std::string& text, ReadOptions options = {}) {
  return data_error([&] { jsonl(text, options); });
}

std::string span_text(const Sample& s, const Entity& e) {
  return codepoint_substr(s.text, e.start, e.end);
}

// ---- JSONL ----------------------------------------------------------------------------------

TEST(SampleIoJsonlTest, ReadsValidFileWithCodePointOffsets) {
  SkipReport report;
  auto samples = load_samples({kDir + "valid.jsonl"}, {}, &report);
  ASSERT_EQ(samples.size(), 4u);

  const Sample& cz = samples[0];
  EXPECT_EQ(cz.id, "cz-1");
  EXPECT_EQ(cz.language, "cs");
  EXPECT_EQ(cz.country, "CZ");
  ASSERT_EQ(cz.entities.size(), 7u);
  // Sorted by start on output, although the file lists EMAIL first.
  EXPECT_EQ(cz.entities[0], (Entity{0, 5, T("FIRSTNAME")}));  // "B-FIRSTNAME" in the file
  EXPECT_EQ(span_text(cz, cz.entities[0]), "Šárka");
  EXPECT_EQ(cz.entities[1], (Entity{6, 12, T("SURNAME")}));
  EXPECT_EQ(span_text(cz, cz.entities[1]), "Ottová");
  EXPECT_EQ(cz.entities[6], (Entity{52, 75, T("EMAIL")}));
  EXPECT_EQ(span_text(cz, cz.entities[6]), "sarka.ottova@example.cz");

  const Sample& emoji = samples[1];
  EXPECT_EQ(emoji.id, "7");  // integer ids become strings
  ASSERT_EQ(emoji.entities.size(), 3u);
  EXPECT_EQ(emoji.entities[0], (Entity{8, 12, T("FIRSTNAME")}));  // two emoji count 2, not 4 or 8
  EXPECT_EQ(span_text(emoji, emoji.entities[0]), "Anna");
  ASSERT_EQ(emoji.coref.size(), 1u);
  EXPECT_EQ(emoji.coref[0].type, T("SURNAME"));
  EXPECT_EQ(emoji.coref[0].mentions, (std::vector<Mention>{{8, 18}, {40, 43}, {49, 57}}));

  EXPECT_TRUE(samples[2].entities.empty());  // a negative sample is valid

  // The unknown label is dropped and counted, the rest of the sample kept.
  EXPECT_EQ(samples[3].entities.size(), 2u);
  EXPECT_EQ(report.entities_dropped.at("unknown label \"FAVOURITE_COLOUR\""), 1u);
  EXPECT_EQ(report.first_seen.at("unknown label \"FAVOURITE_COLOUR\""), kDir + "valid.jsonl:5");
  EXPECT_EQ(report.total_samples_skipped(), 0u);
}

TEST(SampleIoJsonlTest, BareAndBioPrefixedLabelsAreTheSameType) {
  auto samples = jsonl(
      R"({"id":"a","text":"x@y.z 1","entities":[{"start":0,"end":5,"label":"B-EMAIL"},{"start":6,"end":7,"label":"I-AGE"}]})"
      "\n"
      R"({"id":"b","text":"x@y.z 1","entities":[{"start":0,"end":5,"label":"EMAIL"},{"start":6,"end":7,"label":"age"}]})");
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].entities, samples[1].entities);
  EXPECT_EQ(samples[0].entities[0].type, 4);  // EMAIL: type 4, labels B=9, I=10
  EXPECT_EQ(begin_label(samples[0].entities[0].type), 9);
  EXPECT_EQ(samples[0].entities[1].type, 22);  // AGE
}

TEST(SampleIoJsonlTest, HandlesCrlfBomAndMissingId) {
  auto samples = jsonl(
      "\xEF\xBB\xBF{\"text\":\"Hi\",\"entities\":[]}\r\n\r\n{\"text\":\"Yo\",\"entities\":[]}\r\n");
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].id, "t-1");  // <file stem>-<line>
  EXPECT_EQ(samples[1].id, "t-3");
  EXPECT_EQ(samples[1].text, "Yo");
}

TEST(SampleIoJsonlTest, WriterRoundTrip) {
  auto samples = load_samples({kDir + "valid.jsonl"});
  std::stringstream buffer;
  write_jsonl(buffer, samples);
  auto again = read_jsonl(buffer, "round-trip");
  EXPECT_EQ(again, samples);
}

TEST(SampleIoJsonlTest, WriterOutputIsExact) {
  Sample s;
  s.id = "s1";
  s.text = "Šárka 😀 Ottová";
  s.entities = {{0, 5, T("FIRSTNAME")}, {8, 14, T("SURNAME")}};
  s.coref = {{{{0, 5}, {8, 14}}, T("SURNAME")}};
  s.language = "cs";
  EXPECT_EQ(
      to_jsonl(s),
      R"({"id":"s1","text":"Šárka 😀 Ottová","entities":[{"start":0,"end":5,"label":"FIRSTNAME","text":"Šárka"},)"
      R"({"start":8,"end":14,"label":"SURNAME","text":"Ottová"}],"coref":[{"mentions":[{"start":0,"end":5,"text":"Šárka"},)"
      R"({"start":8,"end":14,"text":"Ottová"}],"type":"SURNAME"}],"language":"cs"})");
}

TEST(SampleIoJsonlTest, WriterRejectsBadSamples) {
  Sample s;
  s.id = "bad";
  s.text = "ab\xC3";
  EXPECT_EQ(data_error([&] { to_jsonl(s); }), "sample bad: text: invalid UTF-8 at byte 2");
  s.text = "abc";
  s.entities = {{1, 9, 0}};
  EXPECT_EQ(data_error([&] { to_jsonl(s); }),
            "sample bad: entities: span [1,9) outside the text (length 3)");
}

TEST(SampleIoJsonlTest, WriteFileIsAtomicAndReadable) {
  auto dir = std::filesystem::temp_directory_path() / ("piikit_io_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "out.jsonl").string();
  auto samples = load_samples({kDir + "valid.jsonl"});
  write_jsonl_file(path, samples);
  EXPECT_EQ(load_samples({path}), samples);
  // Only the target remains: no temporary file left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
  std::filesystem::remove_all(dir);
}

struct ErrorCase {
  const char* name;
  std::string input;
  std::string expected;  // full what()
};

TEST(SampleIoJsonlTest, ErrorsNameFileLineAndField) {
  const ErrorCase cases[] = {
      {"missing text",
       "\n"
       R"({"id":"a","entities":[]})",
       "t.jsonl:2: text: missing"},
      {"text type", R"({"text":5,"entities":[]})",
       "t.jsonl:1: text: expected a string, found number"},
      {"missing entities", R"({"text":"a"})",
       "t.jsonl:1: entities: missing (use [] for a sample without PII)"},
      {"entities type", R"({"text":"a","entities":{}})",
       "t.jsonl:1: entities: expected an array, found object"},
      {"not an object", "[1,2]", "t.jsonl:1: record: expected an object, found array"},
      {"id type", R"({"id":[1],"text":"a","entities":[]})",
       "t.jsonl:1: id: expected a string or integer, found array"},
      {"missing start", R"({"text":"abc","entities":[{"end":2,"label":"AGE"}]})",
       "t.jsonl:1: entities[0].start: missing"},
      {"missing label", R"({"text":"abc","entities":[{"start":0,"end":2}]})",
       "t.jsonl:1: entities[0].label: missing"},
      {"float offset", R"({"text":"abc","entities":[{"start":1.5,"end":2,"label":"AGE"}]})",
       "t.jsonl:1: entities[0].start: expected an integer, found 1.5"},
      {"string offset", R"({"text":"abc","entities":[{"start":"1","end":2,"label":"AGE"}]})",
       "t.jsonl:1: entities[0].start: expected an integer, found string"},
      {"past end", R"({"text":"abc","entities":[{"start":1,"end":5,"label":"EMAIL"}]})",
       "t.jsonl:1: entities[0].end: span [1,5) ends past text length 3 (label \"EMAIL\")"},
      {"negative", R"({"text":"abc","entities":[{"start":-1,"end":2,"label":"EMAIL"}]})",
       "t.jsonl:1: entities[0].start: -1 is negative (label \"EMAIL\")"},
      {"reversed", R"({"text":"abc","entities":[{"start":2,"end":1,"label":"EMAIL"}]})",
       "t.jsonl:1: entities[0]: span [2,1) is reversed (start > end) (label \"EMAIL\")"},
      {"empty span", R"({"text":"abc","entities":[{"start":1,"end":1,"label":"EMAIL"}]})",
       "t.jsonl:1: entities[0]: span [1,1) is empty (label \"EMAIL\")"},
      {"text mismatch",
       R"({"text":"Anne says hi","entities":[{"start":0,"end":4,"label":"FIRSTNAME","text":"Anna"}]})",
       "t.jsonl:1: entities[0].text: \"Anna\" does not match the text at [0,4): \"Anne\""},
      {"byte offsets",
       R"({"text":"Šárka Novák","entities":[{"start":0,"end":7,"label":"FIRSTNAME","text":"Šárka"}]})",
       "t.jsonl:1: entities[0].text: \"Šárka\" does not match the text at [0,7): \"Šárka N\" "
       "(the offsets match as UTF-8 byte offsets; piikit expects code points)"},
      {"utf16 offsets",
       R"({"text":"😀 Anna","entities":[{"start":3,"end":7,"label":"FIRSTNAME","text":"Anna"}]})",
       "t.jsonl:1: entities[0].end: span [3,7) ends past text length 6 (label \"FIRSTNAME\") "
       "(the offsets match as UTF-16 offsets; piikit expects code points)"},
      {"overlap",
       R"({"text":"Anna Maria Novak","entities":[{"start":5,"end":16,"label":"SURNAME"},{"start":0,"end":10,"label":"FIRSTNAME"}]})",
       "t.jsonl:1: entities[0]: span [5,16) \"Maria Novak\" (SURNAME) overlaps entities[1] [0,10) "
       "\"Anna Maria\" (FIRSTNAME)"},
      {"overlap past a short span",
       R"({"text":"abcdefghij","entities":[{"start":0,"end":8,"label":"URL"},{"start":1,"end":2,"label":"AGE"},{"start":6,"end":9,"label":"ZIP"}]})",
       "t.jsonl:1: entities[1]: span [1,2) \"b\" (AGE) overlaps entities[0] [0,8) \"abcdefgh\" "
       "(URL)"},
      {"coref out of range",
       R"({"text":"Anna said","entities":[],"coref":[{"mentions":[{"start":0,"end":4},{"start":5,"end":99}]}]})",
       "t.jsonl:1: coref[0].mentions[1].end: span [5,99) ends past text length 9"},
      {"coref text",
       R"({"text":"Anna said","entities":[],"coref":[{"mentions":[{"start":0,"end":4,"text":"Anne"}]}]})",
       "t.jsonl:1: coref[0].mentions[0].text: \"Anne\" does not match the text at [0,4): \"Anna\""},
      {"language type", R"({"text":"a","entities":[],"language":7})",
       "t.jsonl:1: language: expected a string, found number"},
      {"invalid utf8", "{\"text\":\"ab\xC3\x28\",\"entities\":[]}",
       "t.jsonl:1: invalid UTF-8 at byte 11 of the line"},
      {"overlong utf8", "{\"text\":\"\xC0\xAF\",\"entities\":[]}",
       "t.jsonl:1: invalid UTF-8 at byte 9 of the line"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(jsonl_error(c.input), c.expected) << c.name;
  }
}

TEST(SampleIoJsonlTest, MalformedJsonNamesLineAndColumn) {
  EXPECT_THAT(data_error([] { load_samples({kDir + "malformed.jsonl"}); }),
              StartsWith(kDir + "malformed.jsonl:2: malformed JSON at column "));
  EXPECT_THAT(jsonl_error(R"({"text": "a", "entities": [}")"),
              StartsWith("t.jsonl:1: malformed JSON at column 28: syntax error"));
}

TEST(SampleIoJsonlTest, UnknownLabelIsAnErrorWhenStrict) {
  ReadOptions strict;
  strict.skip_unknown_labels = false;
  EXPECT_THAT(
      jsonl_error(R"({"text":"abc","entities":[{"start":0,"end":2,"label":"FOO"}]})", strict),
      StartsWith(
          "t.jsonl:1: entities[0].label: unknown label \"FOO\" (expected one of the 26 types"));
}

TEST(SampleIoJsonlTest, EmptyInputsAreErrors) {
  EXPECT_EQ(jsonl_error(""), "t.jsonl: empty file: no samples");
  EXPECT_EQ(data_error([] { load_samples({kDir + "empty.jsonl"}); }),
            kDir + "empty.jsonl: empty file: no samples");
  EXPECT_EQ(data_error([] { load_samples({kDir + "blank_lines.jsonl"}); }),
            kDir + "blank_lines.jsonl: empty file: no samples");
  EXPECT_EQ(data_error([] { load_samples({kDir + "empty_list.json"}); }),
            kDir + "empty_list.json: empty list: no samples");
  EXPECT_EQ(data_error([] { load_samples({kDir + "does-not-exist.jsonl"}); }),
            kDir + "does-not-exist.jsonl: no such file or directory");
  EXPECT_EQ(data_error([] { load_samples({}); }), "load_samples: no input paths given");
}

TEST(SampleIoJsonlTest, DuplicateSpansAreDroppedAndCounted) {
  SkipReport report;
  auto samples = jsonl(
      R"({"text":"Oslo","entities":[{"start":0,"end":4,"label":"CITY"},{"start":0,"end":4,"label":"B-CITY"}]})",
      {}, &report);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].entities, (std::vector<Entity>{{0, 4, T("CITY")}}));
  EXPECT_EQ(report.entities_dropped.at("duplicate span"), 1u);
}

TEST(SampleIoJsonlTest, SkipBadSamplesCountsPerReason) {
  ReadOptions options;
  options.skip_bad_samples = true;
  SkipReport report;
  auto samples = jsonl(
      "{\"id\":\"ok\",\"text\":\"Oslo\",\"entities\":[{\"start\":0,\"end\":4,\"label\":\"CITY\"}]}"
      "\n"
      "{not json\n"
      "{\"text\":\"abc\",\"entities\":[{\"start\":0,\"end\":9,\"label\":\"CITY\"}]}\n"
      "{\"text\":\"abc\",\"entities\":[{\"start\":0,\"end\":9,\"label\":\"NOPE\"}]}\n"
      "{\"text\":\"\",\"entities\":[]}\n"
      "{\"text\":\"ab\xFF\"}\n"
      "{\"text\":\"abc\",\"entities\":[{\"start\":0,\"end\":1,\"label\":\"NOPE\"}]}\n",
      options, &report);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].id, "ok");
  EXPECT_EQ(samples[1].id, "t-7");
  EXPECT_EQ(report.samples_skipped, (std::map<std::string, std::size_t>{{"malformed JSON", 1},
                                                                        {"offset out of range", 2},
                                                                        {"empty text", 1},
                                                                        {"invalid UTF-8", 1}}));
  // Line 4's unknown label is not counted: that record was skipped as a whole.
  EXPECT_EQ(report.entities_dropped,
            (std::map<std::string, std::size_t>{{"unknown label \"NOPE\"", 1}}));
  EXPECT_EQ(report.first_seen.at("offset out of range"), "t.jsonl:3");
  EXPECT_EQ(report.first_seen.at("unknown label \"NOPE\""), "t.jsonl:7");
}

TEST(SampleIoJsonlTest, AllSkippedThrows) {
  ReadOptions options;
  options.skip_bad_samples = true;
  auto dir =
      std::filesystem::temp_directory_path() / ("piikit_io_skip_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "bad.jsonl").string();
  write_file_atomic(path, "{oops\n{\"text\":\"a\"}\n{oops\n");
  SkipReport report;
  EXPECT_EQ(data_error([&] { load_samples({path}, options, &report); }),
            path + ": no samples left: all 3 records were skipped (mostly: malformed JSON)");
  EXPECT_EQ(report.samples_skipped.at("missing field"), 1u);
  std::filesystem::remove_all(dir);
}

// ---- Label Studio ---------------------------------------------------------------------------

TEST(SampleIoLabelStudioTest, ReadsExportWithCorefAndOffsetRepairs) {
  SkipReport report;
  auto samples = load_samples({kDir + "ls_export.json"}, {}, &report);
  ASSERT_EQ(samples.size(), 4u);  // task 3 has neither annotations nor predictions

  const Sample& a = samples[0];
  EXPECT_EQ(a.id, "101");
  // PRONOUN is a coreference marker, not PII; the choices item is ignored.
  ASSERT_EQ(a.entities.size(), 2u);
  EXPECT_EQ(a.entities[0], (Entity{8, 13, T("SURNAME")}));
  EXPECT_EQ(span_text(a, a.entities[1]), "DE89370400440532013000");
  EXPECT_EQ(a.entities[1].type, T("IBAN"));
  ASSERT_EQ(a.coref.size(), 1u);
  EXPECT_EQ(a.coref[0].type, T("SURNAME"));
  EXPECT_EQ(a.coref[0].mentions, (std::vector<Mention>{{8, 13}, {38, 40}}));
  EXPECT_EQ(codepoint_substr(a.text, 38, 40), "He");

  // UTF-16 offsets after the emoji are converted to code points.
  const Sample& b = samples[1];
  ASSERT_EQ(b.entities.size(), 2u);
  EXPECT_EQ(b.entities[0], (Entity{7, 15, T("PHONENUMBER")}));
  EXPECT_EQ(span_text(b, b.entities[0]), "555-0142");
  EXPECT_EQ(span_text(b, b.entities[1]), "ola@example.no");

  // predictions[0] when there are no annotations; unknown LOCATION dropped.
  const Sample& c = samples[2];
  EXPECT_EQ(c.entities, (std::vector<Entity>{{12, 29, T("COMPANYNAME")}}));

  // Wrong offsets, right value.text: re-anchored.
  const Sample& d = samples[3];
  EXPECT_EQ(d.id, "105");
  EXPECT_EQ(d.entities, (std::vector<Entity>{{9, 12, T("FIRSTNAME")}, {13, 21, T("SURNAME")}}));

  EXPECT_EQ(report.samples_skipped,
            (std::map<std::string, std::size_t>{{"no annotations or predictions", 1}}));
  EXPECT_EQ(report.first_seen.at("no annotations or predictions"),
            kDir + "ls_export.json: task 3 (id 104)");
  EXPECT_EQ(report.entities_dropped,
            (std::map<std::string, std::size_t>{{"unknown label \"LOCATION\"", 1}}));
  EXPECT_EQ(report.entities_adjusted,
            (std::map<std::string, std::size_t>{
                {"Label Studio: UTF-16 offsets converted to code points", 2},
                {"Label Studio: span re-anchored on value.text", 1}}));
}

TEST(SampleIoLabelStudioTest, ErrorNamesFileLineTaskAndField) {
  EXPECT_EQ(data_error([] { load_samples({kDir + "ls_bad_offsets.json"}); }),
            kDir +
                "ls_bad_offsets.json:28: task 1 (id 2): annotations[0].result[1].value.end: "
                "span [5,40) ends past text length 14 (label \"PHONENUMBER\")");
}

TEST(SampleIoLabelStudioTest, ReadsFolderOfTaskFilesSortedByName) {
  auto samples = load_samples({kDir + "ls_folder"});
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].id, "f0");  // task_a.json
  EXPECT_EQ(samples[0].entities[0].type, T("LICENSEPLATENUM"));
  EXPECT_EQ(span_text(samples[0], samples[0].entities[0]), "B-AB 1234");
  EXPECT_EQ(samples[1].id, "f1");
  EXPECT_EQ(samples[1].entities.size(), 3u);
}

std::string ls_error(const std::string& json) {
  return data_error([&] { read_label_studio(json, "x.json"); });
}

TEST(SampleIoLabelStudioTest, InvalidTasks) {
  auto task = [](const std::string& text, const std::string& result) {
    return R"({"id":9,"data":{"text":")" + text + R"("},"annotations":[{"result":[)" + result +
           "]}]}";
  };
  auto span = [](const char* id, int s, int e, const char* text, const char* label) {
    return std::string(R"({"id":")") + id + R"(","type":"labels","value":{"start":)" +
           std::to_string(s) + R"(,"end":)" + std::to_string(e) + R"(,"text":")" + text +
           R"(","labels":[")" + label + R"("]}})";
  };
  EXPECT_EQ(ls_error(R"([{"id":1,"data":{},"annotations":[]}])"),
            "x.json:1: task 0 (id 1): data.text: missing");
  EXPECT_EQ(ls_error(R"([{"data":{"text":"a"},"annotations":[{"lead_time":3}]}])"),
            "x.json:1: task 0: annotations[0].result: missing");
  EXPECT_EQ(ls_error("[\n" + task("Tom", span("a", 0, 3, "Bob", "FIRSTNAME")) + "\n]"),
            "x.json:2: task 0 (id 9): annotations[0].result[0].value.text: \"Bob\" does not match "
            "the text at [0,3): \"Tom\" and does not occur in the text");
  EXPECT_EQ(
      ls_error("[" +
               task("Tom", R"({"type":"labels","value":{"start":0,"end":3,"labels":["A","B"]}})") +
               "]"),
      "x.json:1: task 0 (id 9): annotations[0].result[0].value.labels: expected one label, found "
      "2");
  EXPECT_EQ(
      ls_error("[" +
               task("Tom Li", span("a", 0, 3, "Tom", "FIRSTNAME") + "," +
                                  R"({"type":"relation","from_id":"a","to_id":"zz"})") +
               "]"),
      "x.json:1: task 0 (id 9): annotations[0].result[1].to_id: no span result with id \"zz\"");
  EXPECT_EQ(
      ls_error("[" +
               task("Tom Li", span("a", 0, 6, "Tom Li", "FIRSTNAME") + "," +
                                  span("b", 4, 6, "Li", "SURNAME")) +
               "]"),
      "x.json:1: task 0 (id 9): annotations[0].result[1]: span [4,6) \"Li\" (SURNAME) overlaps "
      "annotations[0].result[0] [0,6) \"Tom Li\" (FIRSTNAME)");
  // One task object (not a list): no task index or line in the message.
  ReadOptions strict;
  strict.skip_unknown_labels = false;
  EXPECT_THAT(
      data_error([&] {
        read_label_studio(task("Tom", span("a", 0, 3, "Tom", "NOPE")), "one.json", strict);
      }),
      StartsWith("one.json: annotations[0].result[0].value.labels[0]: unknown label \"NOPE\""));
}

TEST(SampleIoLabelStudioTest, CompletionsUntypedItemsAndUtf16WithoutText) {
  // Old exports: "completions"; items without "type" are spans; no value.text and offsets past
  // the code-point length that fit as UTF-16 units ("😀" is 2 units, 1 code point).
  SkipReport report;
  auto samples =
      read_label_studio(R"({"id":"old","data":{"text":"😀 Bob"},"completions":[{"result":[)"
                        R"({"value":{"start":3,"end":6,"labels":["firstname"]}}]}]})",
                        "old.json", {}, &report);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].entities, (std::vector<Entity>{{2, 5, T("FIRSTNAME")}}));
  EXPECT_EQ(report.entities_adjusted.at("Label Studio: UTF-16 offsets converted to code points"),
            1u);
}

TEST(SampleIoLabelStudioTest, SkipBadTasksAndContinue) {
  ReadOptions options;
  options.skip_bad_samples = true;
  SkipReport report;
  auto samples = read_label_studio(
      "[\n"
      R"({"id":1,"data":{"text":"Tom"},"annotations":[{"result":[{"type":"labels","value":{"start":0,"end":9,"labels":["FIRSTNAME"]}}]}]},)"
      "\n"
      R"({"id":2,"data":{"text":"Ann"},"annotations":[{"result":[{"type":"labels","value":{"start":0,"end":3,"labels":["FIRSTNAME"]}}]}]})"
      "\n]",
      "x.json", options, &report);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].id, "2");
  EXPECT_EQ(report.samples_skipped.at("offset out of range"), 1u);
  EXPECT_EQ(report.first_seen.at("offset out of range"), "x.json: task 0 (id 1)");
}

TEST(SampleIoLabelStudioTest, LinesSurviveBracketsAndQuotesInsideStrings) {
  // array_element_lines must not be fooled by [ { , " inside strings.
  std::string doc =
      "[\n"
      R"({"id":1,"data":{"text":"a [\"{x}\", ] b"},"annotations":[{"result":[]}]},)"
      "\n\n" +
      std::string(R"(  {"id":2,"data":{"text":5}})") + "\n]";
  EXPECT_EQ(ls_error(doc), "x.json:4: task 1 (id 2): data.text: expected a string, found number");
}

TEST(SampleIoLabelStudioTest, MalformedDocumentNamesLine) {
  EXPECT_THAT(ls_error("[\n  {\"id\": 1,\n   \"data\": {\"text\": \"a\"}\n  \"x\": 2}\n]"),
              StartsWith("x.json:4: malformed JSON: line 4, column 5: syntax error"));
  EXPECT_EQ(ls_error("[{\"data\":{\"text\":\"ab\xED\xA0\x80\"}}]"),
            "x.json:1: invalid UTF-8 at byte 20 of the file");  // encoded surrogate
}

// ---- privacy-mask ---------------------------------------------------------------------------

TEST(SampleIoPrivacyMaskTest, LocatesEveryOccurrence) {
  SkipReport report;
  auto samples = load_samples({kDir + "privacy_mask.jsonl"}, {}, &report);  // sniffed
  ASSERT_EQ(samples.size(), 4u);

  const Sample& a = samples[0];
  EXPECT_EQ(a.entities, (std::vector<Entity>{{3, 8, T("FIRSTNAME")},
                                             {24, 31, T("USERNAME")},
                                             {45, 53, T("PASSWORD")},
                                             {54, 59, T("FIRSTNAME")}}));
  ASSERT_EQ(a.coref.size(), 1u);
  EXPECT_EQ(a.coref[0].mentions, (std::vector<Mention>{{3, 8}, {54, 59}}));
  EXPECT_EQ(a.coref[0].type, T("FIRSTNAME"));

  // "12" inside the date loses to the longer value; the house number "12" stays.
  const Sample& b = samples[1];
  EXPECT_EQ(b.entities,
            (std::vector<Entity>{
                {5, 15, T("DATEOFBIRTH")}, {19, 21, T("BUILDINGNUM")}, {22, 32, T("STREET")}}));

  // "Al" is not matched inside "Alberta".
  EXPECT_EQ(samples[2].entities, (std::vector<Entity>{{0, 2, T("FIRSTNAME")}}));

  // source_text accepted; code-point offsets after "ü"; unknown label dropped.
  const Sample& d = samples[3];
  EXPECT_EQ(d.id, "privacy_mask-4");
  EXPECT_EQ(d.language, "de");
  EXPECT_EQ(d.entities, (std::vector<Entity>{{15, 27, T("PHONENUMBER")}}));

  EXPECT_EQ(report.entities_dropped, (std::map<std::string, std::size_t>{
                                         {"privacy-mask: occurrence overlaps a longer value", 1},
                                         {"unknown label \"GIVENNAME\"", 1}}));
}

TEST(SampleIoPrivacyMaskTest, Errors) {
  auto pm = [](const std::string& line) {
    return data_error([&] {
      std::istringstream in(line);
      read_privacy_mask(in, "pm.jsonl");
    });
  };
  EXPECT_EQ(pm(R"({"text":"Hi Tom","privacy_mask":[{"value":"Bob","label":"FIRSTNAME"}]})"),
            "pm.jsonl:1: privacy_mask[0].value: \"Bob\" does not occur in the text");
  EXPECT_EQ(pm(R"({"text":"Hi Tom","privacy_mask":[{"label":"FIRSTNAME"}]})"),
            "pm.jsonl:1: privacy_mask[0].value: missing");
  EXPECT_EQ(pm(R"({"text":"Hi Tom","privacy_mask":[{"value":"","label":"FIRSTNAME"}]})"),
            "pm.jsonl:1: privacy_mask[0].value: empty string");
  EXPECT_EQ(pm(R"({"text":"Hi Tom"})"), "pm.jsonl:1: privacy_mask: missing");
  EXPECT_EQ(pm(R"({"text":"Hi Tom","privacy_mask":[],"coreferences":[{"mentions":["Ann"]}]})"),
            "pm.jsonl:1: coreferences[0].mentions[0]: \"Ann\" does not occur in the text");
}

TEST(SampleIoPrivacyMaskTest, SameValueWithTwoLabelsKeepsTheFirst) {
  SkipReport report;
  std::istringstream in(
      R"({"text":"Jordan went to Jordan.","privacy_mask":[{"value":"Jordan","label":"FIRSTNAME"},{"value":"Jordan","label":"COUNTRY"}]})");
  auto samples = read_privacy_mask(in, "pm.jsonl", {}, &report);
  EXPECT_EQ(samples[0].entities,
            (std::vector<Entity>{{0, 6, T("FIRSTNAME")}, {15, 21, T("FIRSTNAME")}}));
  EXPECT_EQ(report.entities_dropped.at("privacy-mask: value listed with two labels"), 2u);
}

// ---- sniffing, lists, formats, reports ------------------------------------------------------

TEST(SampleIoLoadTest, JsonListOfJsonlRecords) {
  auto samples = load_samples({kDir + "records_list.json", kDir + "valid.jsonl"});
  ASSERT_EQ(samples.size(), 6u);
  EXPECT_EQ(samples[0].id, "l1");
  EXPECT_EQ(samples[1].entities, (std::vector<Entity>{{4, 6, T("AGE")}}));
  EXPECT_EQ(samples[2].id, "cz-1");
}

TEST(SampleIoLoadTest, ForcedFormatOverridesSniffing) {
  ReadOptions options;
  options.format = SampleFormat::kLabelStudio;
  EXPECT_EQ(data_error([&] { load_samples({kDir + "valid.jsonl"}, options); }),
            kDir + "valid.jsonl:1: data: missing");
}

TEST(SampleIoLoadTest, FormatNames) {
  for (auto f : {SampleFormat::kAuto, SampleFormat::kJsonl, SampleFormat::kLabelStudio,
                 SampleFormat::kPrivacyMask}) {
    EXPECT_EQ(parse_sample_format(sample_format_name(f)), f);
  }
  EXPECT_FALSE(parse_sample_format("csv"));
}

TEST(SampleIoLoadTest, SkipReportFormatting) {
  SkipReport r;
  EXPECT_EQ(format_skip_report(r), "nothing skipped\n");
  r.samples_skipped = {{"malformed JSON", 2}, {"empty text", 5}};
  r.entities_dropped = {{"unknown label \"X\"", 3}};
  r.first_seen = {{"malformed JSON", "a.jsonl:4"}, {"unknown label \"X\"", "a.jsonl:1"}};
  SkipReport other;
  other.samples_skipped = {{"malformed JSON", 1}};
  other.first_seen = {{"malformed JSON", "b.jsonl:9"}};
  r.merge(other);
  EXPECT_EQ(r.total_samples_skipped(), 8u);
  EXPECT_EQ(format_skip_report(r),
            "samples skipped: 8\n"
            "  empty text: 5\n"
            "  malformed JSON: 3 (first at a.jsonl:4)\n"
            "entities dropped: 3\n"
            "  unknown label \"X\": 3 (first at a.jsonl:1)\n");
}

TEST(SampleIoLoadTest, DirectoryWithoutTaskFiles) {
  auto dir =
      std::filesystem::temp_directory_path() / ("piikit_io_dir_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write_file_atomic((dir / "a.jsonl").string(), "{}\n");
  EXPECT_EQ(
      data_error([&] { load_samples({dir.string()}); }),
      dir.string() + ": directory holds no *.json task files (pass the *.jsonl files themselves)");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace piikit

namespace piikit {
namespace {

// The bundled example file (README's first example) must stay clean and cover every type.
TEST(SampleIoBundledTest, SampleFileReadsCleanAndCoversEveryType) {
  SkipReport report;
  ReadOptions strict;
  strict.skip_unknown_labels = false;
  auto samples = load_samples({std::string(PIIKIT_SOURCE_DIR) + "/data/samples/sample.jsonl"},
                              strict, &report);
  EXPECT_EQ(samples.size(), 30u);
  EXPECT_TRUE(report.empty()) << format_skip_report(report);
  std::array<int, kNumTypes> seen{};
  for (const auto& s : samples) {
    for (const auto& e : s.entities) ++seen[e.type];
  }
  for (int t = 0; t < kNumTypes; ++t) EXPECT_GT(seen[t], 0) << type_name(t);
  std::stringstream round_trip;
  write_jsonl(round_trip, samples);
  EXPECT_EQ(read_jsonl(round_trip, "again"), samples);
}

}  // namespace
}  // namespace piikit
