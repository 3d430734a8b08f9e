#include "gen_template.h"

#include <stdexcept>

#include "gen_values.h"
#include "piikit/label_set.h"

namespace piikit::gen {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  Template parse() {
    Template t;
    t.source = src_;
    t.nodes = sequence(false, t.needs);
    return t;
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw std::invalid_argument("template \"" + std::string(src_) + "\": " + msg + " at byte " +
                                std::to_string(pos_));
  }

  // Parses until the end (or "]]" when `in_optional`); adds mandatory needs to `needs`.
  std::vector<Node> sequence(bool in_optional, Needs& needs) {
    std::vector<Node> nodes;
    std::string text;
    auto flush = [&] {
      if (!text.empty()) nodes.push_back(Node{Node::Kind::kText, -1, std::move(text), {}, {}, {}});
      text.clear();
    };
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '{' && peek(1) == '{') {
        text.push_back('{');
        pos_ += 2;
      } else if (c == '}' && peek(1) == '}') {
        text.push_back('}');
        pos_ += 2;
      } else if (c == '{') {
        flush();
        nodes.push_back(slot(needs));
      } else if (c == '}') {
        fail("unmatched '}'");
      } else if (c == '[' && peek(1) == '[') {
        flush();
        pos_ += 2;
        Node opt{Node::Kind::kOptional, -1, {}, {}, {}, {}};
        opt.children = sequence(true, opt.needs);
        nodes.push_back(std::move(opt));
      } else if (c == ']' && peek(1) == ']') {
        if (!in_optional) fail("unmatched ']]'");
        pos_ += 2;
        flush();
        return nodes;
      } else {
        text.push_back(c);
        ++pos_;
      }
    }
    if (in_optional) fail("unterminated '[['");
    flush();
    return nodes;
  }

  Node slot(Needs& needs) {
    const std::size_t close = src_.find('}', pos_);
    if (close == std::string_view::npos) fail("unterminated '{'");
    const std::string_view body = src_.substr(pos_ + 1, close - pos_ - 1);
    Node node;
    if (!body.empty() && body[0] == '#') {
      node.kind = Node::Kind::kFiller;
      node.id = filler_kind(body.substr(1));
      if (node.id < 0) fail("unknown filler kind \"" + std::string(body.substr(1)) + "\"");
    } else if (!body.empty() && body[0] == '=') {
      node.kind = Node::Kind::kChoice;
      std::string_view rest = body.substr(1);
      for (;;) {
        const std::size_t bar = rest.find('|');
        node.choices.emplace_back(rest.substr(0, bar));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
    } else {
      node.kind = Node::Kind::kSlot;
      if (body == "PERSON") node.id = kSlotPerson, needs.person = true;
      else if (body == "PERSON2") node.id = kSlotPerson2, needs.person = true;
      else if (body == "PERSON_REF") node.id = kSlotPersonRef, needs.person = true;
      else if (body == "ADDRESS") node.id = kSlotAddress, needs.address = true;
      else if (body == "ADDRESS_ML") node.id = kSlotAddressMl, needs.address = true;
      else if (auto type = type_from_name(body)) node.id = *type, needs.types |= 1u << *type;
      else fail("unknown slot \"" + std::string(body) + "\"");
    }
    pos_ = close + 1;
    return node;
  }

  char peek(std::size_t ahead) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }

  std::string_view src_;
  std::size_t pos_ = 0;
};

}  // namespace

Template parse_template(std::string_view source) { return Parser(source).parse(); }

}  // namespace piikit::gen
