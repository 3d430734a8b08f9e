// Templates: text with typed slots, parsed once into nodes.
//
// Syntax (docs/generator.md):
//   {SSN}          a PII slot of that type (the 26 names of the label schema)
//   {PERSON}       the sample's person: first name and/or surname, whichever types were drawn
//   {PERSON2}      a second person (the addressee), drawn the same way
//   {PERSON_REF}   a short re-mention of {PERSON} ("Ms Nováková" / "Anna"), for coreference
//   {ADDRESS}      one-line address of the drawn address types; {ADDRESS_ML} multi-line
//   {#kind}        a non-PII look-alike (kFillerKinds: order, price, version, hash, ...)
//   {=a|b|c}       one of the literal alternatives
//   [[...]]        optional part: kept when every PII slot in it was drawn (PII-free parts: 50%)
//   {{ and }}      literal braces
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace piikit::gen {

// Slot ids past the 26 type indices.
enum MetaSlot : int {
  kSlotPerson = 100,
  kSlotPerson2,
  kSlotPersonRef,
  kSlotAddress,
  kSlotAddressMl,
};

// What a template (or an optional part) needs from the sample's drawn types.
struct Needs {
  uint32_t types = 0;    // bit t: type t must be drawn
  bool person = false;   // FIRSTNAME or SURNAME drawn
  bool address = false;  // some address type drawn
  bool empty() const { return types == 0 && !person && !address; }
  void add(const Needs& o) {
    types |= o.types;
    person |= o.person;
    address |= o.address;
  }
};

struct Node {
  enum class Kind : uint8_t { kText, kSlot, kFiller, kChoice, kOptional };
  Kind kind = Kind::kText;
  int id = -1;                       // kSlot: type index or MetaSlot; kFiller: filler kind
  std::string text;                  // kText
  std::vector<std::string> choices;  // kChoice
  std::vector<Node> children;        // kOptional
  Needs needs;                       // kOptional: what the children need
};

struct Template {
  std::vector<Node> nodes;
  Needs needs;          // needs of the mandatory part (optional parts excluded)
  std::string_view source;
};

// Parses `source` (which must outlive the template). Throws std::invalid_argument naming the
// template and the byte offset for an unknown slot, unbalanced braces or brackets.
Template parse_template(std::string_view source);

}  // namespace piikit::gen
