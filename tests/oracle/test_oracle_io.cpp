// The oracle's file formats and its checker: golden round trip, strict candidate parsing with
// positions, and the pass/fail rule of oracle/check.hpp.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/oracle/candidate.hpp>
#include <learndyn/oracle/check.hpp>
#include <learndyn/oracle/golden.hpp>
#include <learndyn/oracle/json_input.hpp>
#include <learndyn/oracle/oracle.hpp>

namespace {
namespace o = learndyn::oracle;
using learndyn::InputError;
using learndyn::real;

o::GoldenSuite small_suite() {
  o::GoldenSuite s{"0.1.0", "default", 20, 50, 100, "learndyn oracle generate", {}};
  s.cases.push_back({"ghost.loss.eps=1e-4", "ghost", "loss", {{"eps", "1e-4"}}, "learndyn ghost loss",
                     {{"loss", "5.7079632679489661923e+01", 20}, {"grad", "-1.0000000000000000000e+05", 12}}});
  s.cases.push_back({"ghost.x", "ghost", "x", {}, "", {{"q", "0.0000000000000000000e+00", 20}}});
  return s;
}

// The position an InputError names for `text`, or "no error".
template <class Parse>
std::string fault_position(Parse&& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    return e.position();
  }
  return "no error";
}

TEST(Golden, RoundTripsThroughJson) {
  const std::string text = o::to_json_text(small_suite());
  const o::GoldenSuite back = o::parse_golden(text, "g.json");
  EXPECT_EQ(o::to_json_text(back), text);
  ASSERT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(back.cases[0].values[1].quantity, "grad");
  EXPECT_EQ(back.cases[0].values[1].certified_digits, 12);
}

RC_GTEST_PROP(Golden, RandomSuitesRoundTrip, ()) {
  o::GoldenSuite s = small_suite();
  const int n = *rc::gen::inRange(0, 5);
  for (int i = 0; i < n; ++i) {
    const double x = *rc::gen::arbitrary<double>();
    RC_PRE(std::isfinite(x));
    const int digits = *rc::gen::inRange(1, 21);
    // Printable ASCII descriptions, with the characters JSON must escape among them.
    const std::string description = *rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
    s.cases.push_back({"case." + std::to_string(i), "ghost", description, {}, "",
                       {{"v", learndyn::format_significant(x, digits), *rc::gen::inRange(0, 21)}}});
  }
  const std::string text = o::to_json_text(s);
  RC_ASSERT(o::to_json_text(o::parse_golden(text, "g.json")) == text);
}

TEST(Golden, FaultsNameTheirJsonPath) {
  std::string text = o::to_json_text(small_suite());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("\"certified_digits\": 12", "\"certified_digits\": 21"), "g"); }),
            "$.cases[0].values.grad.certified_digits");
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("\"-1.0000000000000000000e+05\"", "-1e5"), "g"); }),
            "$.cases[0].values.grad.value");
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("\"ghost.x\"", "\"ghost.loss.eps=1e-4\""), "g"); }),
            "$.cases[1].id");
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("learndyn-golden/2", "learndyn-golden/3"), "g"); }),
            "$.schema");
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("\"id\": \"ghost.x\"", "\"id\": \"a b\""), "g"); }),
            "$.cases[1].id");
  EXPECT_NE(fault_position([&] { o::parse_golden(text.substr(0, text.size() / 2), "g"); }), "no error");
  EXPECT_NE(fault_position([&] { o::parse_golden(std::string(200, '['), "g"); }), "no error");
}

// Schema 2 (issue 18): a value's proved enclosure, or null with a note, survives the round
// trip; a schema-1 file (no enclosures) is still read; malformed enclosures name their path.
o::GoldenSuite enclosed_suite() {
  o::GoldenSuite s = small_suite();
  o::GoldenValue& loss = s.cases[0].values[0];
  loss.has_enclosure = true;
  loss.enclosure_lo = "5.70796326794896619231321691639751442098584699687552910487e+01";
  loss.enclosure_hi = "5.70796326794896619231321691639751442098584699687552910488e+01";
  loss.proved_digits = 55;
  s.cases[0].values[1].enclosure_note = "not enclosed: a test";
  return s;
}

TEST(Golden, EnclosuresRoundTripAndSchemaOneIsStillRead) {
  const std::string text = o::to_json_text(enclosed_suite());
  EXPECT_NE(text.find("\"schema\": \"learndyn-golden/2\""), std::string::npos);
  const o::GoldenSuite back = o::parse_golden(text, "g.json");
  EXPECT_EQ(o::to_json_text(back), text);
  EXPECT_TRUE(back.cases[0].values[0].has_enclosure);
  EXPECT_EQ(back.cases[0].values[0].proved_digits, 55);
  EXPECT_EQ(back.cases[0].values[0].enclosure_hi, enclosed_suite().cases[0].values[0].enclosure_hi);
  EXPECT_FALSE(back.cases[0].values[1].has_enclosure);
  EXPECT_EQ(back.cases[0].values[1].enclosure_note, "not enclosed: a test");
  // A schema-1 document: the same without the enclosure members.
  o::Json one = o::Json::parse(o::to_json_text(small_suite()));
  one["schema"] = "learndyn-golden/1";
  for (auto& c : one["cases"])
    for (auto& [name, v] : c["values"].items()) v.erase("enclosure"), v.erase("enclosure_note");
  const o::GoldenSuite old = o::parse_golden(one.dump(1), "old.json");
  EXPECT_FALSE(old.cases[0].values[0].has_enclosure);
  EXPECT_EQ(old.cases[0].values[0].value, small_suite().cases[0].values[0].value);
}

TEST(Golden, MalformedEnclosuresNameTheirJsonPath) {
  const std::string text = o::to_json_text(enclosed_suite());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  const o::GoldenValue loss = enclosed_suite().cases[0].values[0];
  // hi below lo
  EXPECT_EQ(fault_position([&] { return o::parse_golden(replaced(loss.enclosure_hi, "5.7e+01"), "g"); }),
            "$.cases[0].values.loss.enclosure");
  EXPECT_EQ(fault_position([&] { return o::parse_golden(replaced("\"" + loss.enclosure_lo + "\"", "1"), "g"); }),
            "$.cases[0].values.loss.enclosure[0]");
  EXPECT_EQ(fault_position([&] { return o::parse_golden(replaced("\"proved_digits\"", "\"proved\""), "g"); }),
            "$.cases[0].values.loss.proved");
  EXPECT_EQ(fault_position([&] { return o::parse_golden(replaced("\"enclosure_note\"", "\"note\""), "g"); }),
            "$.cases[0].values.grad.note");
  // Schema 2 requires the member; schema 1 does not know it.
  EXPECT_EQ(fault_position([&] { return o::parse_golden(replaced("\"enclosure\": null", "\"x\": null"), "g"); }),
            "$.cases[0].values.grad.x");
}

// The checker prints quantity names in its table: a newline in one would split a row. The
// fault is one line, with the name escaped in the message and in the JSON path.
TEST(Golden, QuantityAndInputNamesOutsideTheIdAlphabetAreRefusedOnOneLine) {
  const std::string text = o::to_json_text(small_suite());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  const auto message = [](const std::string& golden) {
    try {
      o::parse_golden(golden, "g.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(replaced("\"grad\": {", "\"gr\\nad\": {")),
            "g.json:$.cases[0].values[\"gr\\nad\"]: quantity \"gr\\nad\" is not [A-Za-z0-9_.=+-]{1,256}");
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("\"grad\": {", "\"a,b\": {"), "g"); }),
            "$.cases[0].values.a,b");
  EXPECT_EQ(fault_position([&] { o::parse_golden(replaced("\"eps\": \"1e-4\"", "\"e\\rps\": \"1e-4\""), "g"); }),
            "$.cases[0].inputs[\"e\\rps\"]");
  for (const char* bad : {"\"gr\\nad\": {", "\"\": {", "\"a b\": {"})
    EXPECT_EQ(message(replaced("\"grad\": {", bad)).find('\n'), std::string::npos) << bad;
}

TEST(Candidate, NamesWithControlCharactersAreEscapedInTheMessage) {
  try {
    o::parse_candidate_json("{\"a\\nb\": {\"q\": 1}}", "c.json");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "c.json:$[\"a\\nb\"]: case id \"a\\nb\" is not [A-Za-z0-9_.=+-]{1,256}");
  }
}

TEST(Candidate, CsvAndJsonGiveTheSameValues) {
  // A byte-order mark, comments, CRLF line ends, blank lines and padding are tolerated.
  const auto csv = o::parse_candidate_csv(
      "\xEF\xBB\xBF# my implementation\ncase,quantity,value\r\n\nghost.x , q, 1.5e-3\r\nghost.y,r,2\n"
      "ghost.y,s,-7\n",
      "c.csv");
  const auto json = o::parse_candidate_json(R"({"ghost.x": {"q": "1.5e-3"}, "ghost.y": {"r": 2, "s": -7}})", "c.json");
  ASSERT_EQ(csv.size(), 3u);
  ASSERT_EQ(json.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(csv[i].case_id, json[i].case_id);
    EXPECT_EQ(csv[i].quantity, json[i].quantity);
    EXPECT_EQ(csv[i].value, json[i].value);
  }
  EXPECT_EQ(csv[2].position, "line 6");
  EXPECT_EQ(json[2].position, "$.ghost.y.s");
}

TEST(Candidate, CsvFaultsNameTheirLine) {
  const auto line_of = [](const std::string& text) {
    return fault_position([&] { o::parse_candidate_csv(text, "c.csv"); });
  };
  EXPECT_EQ(line_of("case,quantity,value\na,b,1\n"), "no error");
  EXPECT_EQ(line_of(""), "line 1");
  EXPECT_EQ(line_of("case,value\n"), "line 1");
  EXPECT_EQ(line_of("case,quantity,value\na,b,1\na,b,2\n"), "line 3");
  EXPECT_EQ(line_of("case,quantity,value\n\n#\na,b,nan\n"), "line 4");
  EXPECT_EQ(line_of("case,quantity,value\na,b,inf\n"), "line 2");
  EXPECT_EQ(line_of("case,quantity,value\na,b,1,2\n"), "line 2");
  EXPECT_EQ(line_of("case,quantity,value\na b,c,1\n"), "line 2");
  EXPECT_EQ(line_of("case,quantity,value\na,b,1e99999999999\n"), "line 2");
  EXPECT_EQ(line_of(std::string("case,quantity,value\na,b,1\0", 26)), "line 2");
}

TEST(Candidate, JsonFaultsNameTheirPath) {
  const auto path_of = [](const std::string& text) {
    return fault_position([&] { o::parse_candidate_json(text, "c.json"); });
  };
  EXPECT_EQ(path_of(R"({"a": {"b": 1, "c": "2.5e-3"}})"), "no error");
  EXPECT_EQ(path_of(R"({"a": {"b": null}})"), "$.a.b");
  EXPECT_EQ(path_of(R"({"a": {"b": "NaN"}})"), "$.a.b");
  EXPECT_EQ(path_of(R"({"a": [1, 2]})"), "$.a");
  EXPECT_EQ(path_of(R"([1])"), "$");
  EXPECT_EQ(path_of(R"({"a b": {"c": 1}})"), "$.a b");
  EXPECT_EQ(path_of(R"({"a": {"b": 1, "b": 2}})"), "$.a.b");   // found while parsing, where it is
  EXPECT_EQ(path_of(R"({"a": {"b": 1e400}})"), "$.a.b");
  EXPECT_EQ(path_of(R"({"a": [1, [2, 3], 1e400]})"), "$.a[2]");
  EXPECT_EQ(path_of(R"({"a": [1, [2, 1e400]]})"), "$.a[1][1]");
  EXPECT_EQ(path_of(R"({"a": [{"x": 1}, {"x": 1, "x": 2}]})"), "$.a[1].x");
  EXPECT_EQ(path_of(R"({"a": {"b": 1}, "c d": {"e\nf": -1e400}})"), R"($.c d["e\nf"])");
  EXPECT_EQ(path_of(R"({"a": 1, "b": 2, "a": 3})"), "$.a");
}

TEST(Candidate, JsonNumbersKeepEveryDigitOfTheDouble) {
  const auto values = o::parse_candidate_json(R"({"a": {"b": 0.1, "c": 12, "d": "0.1000000000000000000001"}})", "c.json");
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(learndyn::parse_decimal<double>(values[0].value, "v"), 0.1);  // 17 digits read back exactly
  EXPECT_EQ(values[1].value, "12");
  EXPECT_EQ(values[2].value, "0.1000000000000000000001");               // strings untouched
}

o::CandidateValue value(const std::string& case_id, const std::string& quantity, const std::string& v) {
  return {case_id, quantity, v, "test"};
}

TEST(Check, CountsPassFailMissingExtra) {
  const o::GoldenSuite g = small_suite();
  const std::vector<o::CandidateValue> c{value("ghost.loss.eps=1e-4", "loss", "57.0796326794896619"),
                                         value("ghost.loss.eps=1e-4", "grad", "-100001"),
                                         value("ghost.z", "q", "1")};
  const o::CheckResult r = o::check_candidate(g, c, o::CheckOptions{}, "c.csv");
  EXPECT_EQ(r.passed, 1);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.missing, 1);
  EXPECT_EQ(r.extra, 1);
  EXPECT_FALSE(r.success);
  o::CheckOptions lenient;
  lenient.rtol = 1e-4;
  lenient.allow_missing = lenient.allow_extra = true;
  EXPECT_TRUE(o::check_candidate(g, c, lenient, "c.csv").success);
}

// |got - expected| <= atol + max(rtol, 10^-c) |expected|: a perturbation just inside passes,
// just outside fails, for random values, tolerances and perturbation signs.
RC_GTEST_PROP(Check, ToleranceRuleIsTheDocumentedOne, ()) {
  const int exponent = *rc::gen::inRange(-300, 300);
  const int mantissa = *rc::gen::inRange(1, 1000000);
  const int rtol_exponent = *rc::gen::inRange(-15, -1);
  const int sign = *rc::gen::element(-1, 1);
  const real expected = real(mantissa) * pow(real(10), exponent);
  const std::string expected_text = learndyn::format_significant(expected, 30);
  o::GoldenSuite g{"v", "default", 30, 50, 100, "", {{"a", "ghost", "", {}, "", {{"q", expected_text, 30}}}}};
  o::CheckOptions options;
  options.rtol = std::pow(10.0, rtol_exponent);
  const real exact = learndyn::parse_decimal<real>(expected_text, "e");
  for (const double factor : {0.99, 1.01}) {
    const real got = exact * (1 + sign * real(options.rtol) * real(factor));
    const auto r = o::check_candidate(g, {value("a", "q", learndyn::format_significant(got, 40))}, options, "c");
    RC_ASSERT(r.success == (factor < 1));
  }
}

TEST(Check, NoToleranceTighterThanTheCertifiedDigits) {
  // certified_digits 12: the golden value is known to 1e-12 relative, so 1e-13 off passes
  // even at rtol 0, and 1e-11 off fails.
  const o::GoldenSuite g = small_suite();
  o::CheckOptions exact;
  exact.rtol = 0;
  exact.allow_missing = true;
  EXPECT_TRUE(o::check_candidate(g, {value("ghost.loss.eps=1e-4", "grad", "-100000.00000001")}, exact, "c").success);
  EXPECT_FALSE(o::check_candidate(g, {value("ghost.loss.eps=1e-4", "grad", "-100000.000001")}, exact, "c").success);
}

// (C11): every right value passes at rtol = atol = 0, whatever the digits written D and the
// certified digits c: the exact value v, v correctly rounded to D digits, v rounded to D' > D
// digits and then to D, and the same from the working-precision value v_p the golden value
// was rounded from. v_p is drawn with |v_p - v| <= 1.1 10^-d |v|, the consequence of (C1)
// (|t| <= 0.7 leaves room for rounding v_p to the working precision). A value
// g (1 + 4 (6 10^-D + k)) fails where k = 6 10^-D + 3 10^-c < 1/4, so the floor is not vacuous.
RC_GTEST_PROP(Check, EveryCorrectlyRoundedValuePasses, ()) {
  using learndyn::format_significant;
  using learndyn::real_hi;
  const int digits = *rc::gen::inRange(1, 51);        // D
  const int precise = *rc::gen::inRange(0, 50);       // d of (C1)
  const int wider = *rc::gen::inRange(digits + 1, 101);  // D' > D
  const int exponent = *rc::gen::inRange(-300, 301);
  const int sign = *rc::gen::element(-1, 1);
  // A mantissa with ~35 random decimal digits in [1, 10), and t in [-0.7, 0.7] for v_p.
  real_hi mantissa = 1 + real_hi(*rc::gen::inRange(0, 900000000)) / 100000000;
  for (int i = 0; i < 3; ++i) mantissa += real_hi(*rc::gen::inRange(0, 1000000000)) * pow(real_hi(10), -9 * (i + 1) - 8);
  const real_hi v = sign * mantissa * pow(real_hi(10), exponent);
  const real_hi t = real_hi(*rc::gen::inRange(-700000, 700001)) / 1000000;
  const real v_p = real(v * (1 + t * real_hi("1.1") * pow(real_hi(10), -precise)));
  const int certified = std::min(precise, digits);
  o::GoldenSuite g{"v", "default", digits, 50, 100, "", {{"a", "ghost", "", {}, "", {{"q", format_significant(v_p, digits), certified}}}}};
  o::CheckOptions exact;
  exact.rtol = 0;
  const std::vector<std::string> right{
      format_significant(v, 100), format_significant(v, digits),
      format_significant(learndyn::parse_decimal<real_hi>(format_significant(v, wider), "w"), digits),
      format_significant(v_p, 50),
      format_significant(learndyn::parse_decimal<real>(format_significant(v_p, std::min(wider, 50)), "w"), digits)};
  for (const std::string& w : right) {
    RC_LOG() << "D=" << digits << " d=" << precise << " D'=" << wider << " golden=" << g.cases[0].values[0].value
             << " candidate=" << w << "\n";
    RC_ASSERT(o::check_candidate(g, {value("a", "q", w)}, exact, "c").success);
  }
  const real k = 6 * pow(real(10), -digits) + 3 * pow(real(10), -certified);
  if (k < real(1) / 4) {
    const real golden = learndyn::parse_decimal<real>(g.cases[0].values[0].value, "g");
    const real off = golden * (1 + 4 * (6 * pow(real(10), -digits) + k));
    RC_ASSERT(!o::check_candidate(g, {value("a", "q", format_significant(off, 50))}, exact, "c").success);
  }
}

// (C25): where the golden value has an enclosure, the check measures the distance to the
// interval. At rtol 0 a point inside passes, a point 1e-30 relative outside fails (and passes
// at rtol 1e-29), and a golden value whose enclosure disagrees
// with its decimal fails the decimal itself: the enclosure decides, not the value.
TEST(Check, TheEnclosureDecidesWhereItExists) {
  o::GoldenSuite g = enclosed_suite();
  g.digits = 50;  // a floor (6 10^-D + 3 10^-c) of 9e-50, below the 1e-30 below
  g.cases[0].values[0].certified_digits = 50;
  const o::GoldenValue& loss = g.cases[0].values[0];
  o::CheckOptions exact;
  exact.rtol = 0;
  exact.allow_missing = true;
  const auto passes = [&](const o::GoldenSuite& suite, const std::string& got, const o::CheckOptions& options) {
    const o::CheckResult r = o::check_candidate(suite, {value("ghost.loss.eps=1e-4", "loss", got)}, options, "c");
    EXPECT_EQ(r.rows[0].proved_digits, suite.cases[0].values[0].has_enclosure ? 55 : -1);
    return r.success;
  };
  const real mid = (learndyn::parse_decimal<real>(loss.enclosure_lo, "lo") +
                    learndyn::parse_decimal<real>(loss.enclosure_hi, "hi")) / 2;
  EXPECT_TRUE(passes(g, learndyn::format_significant(mid, 50), exact));
  const std::string outside = learndyn::format_significant(mid * (1 + real("1e-30")), 50);
  EXPECT_FALSE(passes(g, outside, exact));
  o::CheckOptions loose = exact;
  loose.rtol = 1e-29;
  EXPECT_TRUE(passes(g, outside, loose));
  o::GoldenSuite wrong = g;
  wrong.cases[0].values[0].enclosure_lo = "5.8e+01";
  wrong.cases[0].values[0].enclosure_hi = "5.9e+01";
  EXPECT_FALSE(passes(wrong, loss.value, exact));
}

// (C25)'s floor: a value written to D digits and right to c passes at rtol 0 against an
// enclosure of the exact value (as every golden file's own values must: the default suite's
// 50-digit loss at eps = 2.5e-4 is 2.2e-49 relative outside its enclosure, c = 48); a value
// off by four times the floor fails.
RC_GTEST_PROP(Check, EveryValueAsGoodAsTheFilesPassesItsEnclosure, ()) {
  using learndyn::format_significant;
  using learndyn::real_hi;
  const int digits = *rc::gen::inRange(1, 51);
  const int certified = *rc::gen::inRange(1, digits + 1);
  const int exponent = *rc::gen::inRange(-300, 301);
  real_hi mantissa = 1 + real_hi(*rc::gen::inRange(0, 900000000)) / 100000000;
  for (int i = 0; i < 4; ++i) mantissa += real_hi(*rc::gen::inRange(0, 1000000000)) * pow(real_hi(10), -9 * (i + 1) - 8);
  const real_hi v = *rc::gen::element(-1, 1) * mantissa * pow(real_hi(10), exponent);
  const real_hi t = real_hi(*rc::gen::inRange(-1000000, 1000001)) / 1000000;
  const real_hi v_c = v * (1 + t * pow(real_hi(10), -certified));  // right to c digits
  const real_hi w = abs(v) * pow(real_hi(10), -58);                 // a 57-digit enclosure
  o::GoldenValue q{"q", format_significant(v_c, digits), certified};
  q.has_enclosure = true;
  q.enclosure_lo = format_significant(v - w, 60);
  q.enclosure_hi = format_significant(v + w, 60);
  q.proved_digits = 55;
  const o::GoldenSuite g{"v", "default", digits, 50, 100, "", {{"a", "ghost", "", {}, "", {q}}}};
  o::CheckOptions exact;
  exact.rtol = 0;
  RC_ASSERT(o::check_candidate(g, {value("a", "q", format_significant(v_c, digits))}, exact, "c").success);
  RC_ASSERT(o::check_candidate(g, {value("a", "q", format_significant(v, 60))}, exact, "c").success);
  const real_hi k = 6 * pow(real_hi(10), -digits) + 3 * pow(real_hi(10), -certified);
  if (k < real_hi(1) / 8) {
    const real_hi off = v * (1 + 4 * k);
    RC_ASSERT(!o::check_candidate(g, {value("a", "q", format_significant(off, 60))}, exact, "c").success);
  }
}

TEST(Check, InvalidTolerancesAreArgumentErrors) {
  o::CheckOptions bad;
  bad.rtol = -1;
  EXPECT_THROW(o::check_candidate(small_suite(), {}, bad, "c"), learndyn::ArgumentError);
  bad.rtol = std::nan("");
  EXPECT_THROW(o::check_candidate(small_suite(), {}, bad, "c"), learndyn::ArgumentError);
}

// oracle/oracle.hpp, the C++ user's entry point: doubles are written exactly, so a value one
// ulp away from a 20-digit golden value fails at a tolerance below an ulp.
TEST(CheckValues, DoublesAreCheckedAtEveryDigit) {
  const o::GoldenSuite g = small_suite();
  o::CheckOptions options;
  options.rtol = 5e-17;  // the nearest double is 1.7e-17 away, its neighbours >= 1.07e-16
  options.allow_missing = true;
  const double loss = 57.079632679489661923;  // the double nearest the golden loss
  EXPECT_TRUE(o::check_values(g, {{"ghost.loss.eps=1e-4", "loss", loss}}, options).success);
  const o::CheckResult off = o::check_values(g, {{"ghost.loss.eps=1e-4", "loss", std::nextafter(loss, 60.0)}}, options);
  EXPECT_FALSE(off.success);
  EXPECT_EQ(off.failed, 1);
  EXPECT_EQ(o::check_values(g, {{"ghost.loss.eps=1e-4", "loss", loss}}, o::CheckOptions{}).missing, 2);
  o::CheckOptions strict = options;
  strict.allow_missing = false;
  EXPECT_EQ(o::check_values(g, {{"ghost.nope", "loss", 1e-300}}, strict).extra, 1);
  // With allow_missing, a candidate that compares nothing (here one unknown id) is an
  // InputError, not a vacuous pass.
  EXPECT_THROW(o::check_values(g, {{"ghost.nope", "loss", 1e-300}}, options), InputError);
}

TEST(CheckValues, NonFiniteValuesAreArgumentErrors) {
  EXPECT_THROW(o::check_values(small_suite(), {{"ghost.x", "q", std::nan("")}}), learndyn::ArgumentError);
  EXPECT_THROW(o::check_values(small_suite(), {{"ghost.x", "q", INFINITY}}), learndyn::ArgumentError);
}

TEST(CheckValues, ReadGoldenNamesAMissingFile) {
  EXPECT_THROW(o::read_golden("no/such/golden.json"), InputError);
}

}  // namespace
