/* JSONTestSuite (nst/JSONTestSuite, test_parsing/): y_ cases must parse,
 * n_ cases must be rejected, i_ cases are the implementation's choice.
 * The cases are written out here from the suite's published list (name
 * and content).  How each i_ case is decided (docs/json.md): as JSON.parse
 * decides on the same text, except that bytes which are not UTF-8 are
 * rejected (Node would turn them into U+FFFD before JSON.parse saw them):
 * huge and tiny numbers parse (to Infinity / 0 as in JS), lone surrogate
 * escapes parse, a BOM is rejected (JSON.parse does not skip U+FEFF),
 * UTF-16 / invalid UTF-8 is rejected, 500 levels of nesting parse (the
 * default limit is 1000). */
#include "test.h"
#include "../asyncrt.h"

typedef struct jcase {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen */
    char expect; /* 'y' accept, 'n' reject */
} jcase;

#define Y(n, t) {n, t, 0, 'y'}
#define N(n, t) {n, t, 0, 'n'}
#define YL(n, t) {n, t, sizeof(t) - 1, 'y'}
#define NL(n, t) {n, t, sizeof(t) - 1, 'n'}

static const jcase y_cases[] = {
    Y("y_array_arraysWithSpaces", "[[]   ]"),
    Y("y_array_empty-string", "[\"\"]"),
    Y("y_array_empty", "[]"),
    Y("y_array_ending_with_newline", "[\"a\"]\n"),
    Y("y_array_false", "[false]"),
    Y("y_array_heterogeneous", "[null, 1, \"1\", {}]"),
    Y("y_array_null", "[null]"),
    Y("y_array_with_1_and_newline", "[1\n]"),
    Y("y_array_with_leading_space", " [1]"),
    Y("y_array_with_several_null", "[1,null,null,null,2]"),
    Y("y_array_with_trailing_space", "[2] "),
    Y("y_number", "[123e65]"),
    Y("y_number_0e+1", "[0e+1]"),
    Y("y_number_0e1", "[0e1]"),
    Y("y_number_after_space", "[ 4]"),
    Y("y_number_double_close_to_zero", "[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]\n"),
    Y("y_number_int_with_exp", "[20e1]"),
    Y("y_number_minus_zero", "[-0]"),
    Y("y_number_negative_int", "[-123]"),
    Y("y_number_negative_one", "[-1]"),
    Y("y_number_negative_zero", "[-0]"),
    Y("y_number_real_capital_e", "[1E22]"),
    Y("y_number_real_capital_e_neg_exp", "[1E-2]"),
    Y("y_number_real_capital_e_pos_exp", "[1E+2]"),
    Y("y_number_real_exponent", "[123e45]"),
    Y("y_number_real_fraction_exponent", "[123.456e78]"),
    Y("y_number_real_neg_exp", "[1e-2]"),
    Y("y_number_real_pos_exponent", "[1e+2]"),
    Y("y_number_simple_int", "[123]"),
    Y("y_number_simple_real", "[123.456789]"),
    Y("y_object", "{\"asd\":\"sdf\", \"dfg\":\"fgh\"}"),
    Y("y_object_basic", "{\"asd\":\"sdf\"}"),
    Y("y_object_duplicated_key", "{\"a\":\"b\",\"a\":\"c\"}"),
    Y("y_object_duplicated_key_and_value", "{\"a\":\"b\",\"a\":\"b\"}"),
    Y("y_object_empty", "{}"),
    Y("y_object_empty_key", "{\"\":0}"),
    YL("y_object_escaped_null_in_key", "{\"foo\\u0000bar\": 42}"),
    Y("y_object_extreme_numbers", "{ \"min\": -1.0e+28, \"max\": 1.0e+28 }"),
    Y("y_object_long_strings", "{\"x\":[{\"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}], \"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"),
    Y("y_object_simple", "{\"a\":[]}"),
    Y("y_object_string_unicode", "{\"title\":\"\\u041f\\u043e\\u043b\\u0442\\u043e\\u0440\\u0430 \\u0417\\u0435\\u043c\\u043b\\u0435\\u043a\\u043e\\u043f\\u0430\" }"),
    Y("y_object_with_newlines", "{\n\"a\": \"b\"\n}"),
    Y("y_string_1_2_3_bytes_UTF-8_sequences", "[\"\\u0060\\u012a\\u12AB\"]"),
    Y("y_string_accepted_surrogate_pair", "[\"\\uD801\\udc37\"]"),
    Y("y_string_accepted_surrogate_pairs", "[\"\\ud83d\\ude39\\ud83d\\udc8d\"]"),
    Y("y_string_allowed_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"),
    Y("y_string_backslash_and_u_escaped_zero", "[\"\\\\u0000\"]"),
    Y("y_string_backslash_doublequotes", "[\"\\\"\"]"),
    Y("y_string_comments", "[\"a/*b*/c/*d//e\"]"),
    Y("y_string_double_escape_a", "[\"\\\\a\"]"),
    Y("y_string_double_escape_n", "[\"\\\\n\"]"),
    Y("y_string_escaped_control_character", "[\"\\u0012\"]"),
    Y("y_string_escaped_noncharacter", "[\"\\uFFFF\"]"),
    Y("y_string_in_array", "[\"asd\"]"),
    Y("y_string_in_array_with_leading_space", "[ \"asd\"]"),
    Y("y_string_last_surrogates_1_and_2", "[\"\\uDBFF\\uDFFF\"]"),
    Y("y_string_nbsp_uescaped", "[\"new\\u00A0line\"]"),
    Y("y_string_nonCharacterInUTF-8_U+10FFFF", "[\"\xf4\x8f\xbf\xbf\"]"),
    Y("y_string_nonCharacterInUTF-8_U+FFFF", "[\"\xef\xbf\xbf\"]"),
    Y("y_string_null_escape", "[\"\\u0000\"]"),
    Y("y_string_one-byte-utf-8", "[\"\\u002c\"]"),
    Y("y_string_pi", "[\"\xcf\x80\"]"),
    Y("y_string_reservedCharacterInUTF-8_U+1BFFF", "[\"\xf0\x9b\xbf\xbf\"]"),
    Y("y_string_simple_ascii", "[\"asd \"]"),
    Y("y_string_space", "\" \""),
    Y("y_string_surrogates_U+1D11E_MUSICAL_SYMBOL_G_CLEF", "[\"\\uD834\\uDd1e\"]"),
    Y("y_string_three-byte-utf-8", "[\"\\u0821\"]"),
    Y("y_string_two-byte-utf-8", "[\"\\u0123\"]"),
    Y("y_string_u+2028_line_sep", "[\"\xe2\x80\xa8\"]"),
    Y("y_string_u+2029_par_sep", "[\"\xe2\x80\xa9\"]"),
    Y("y_string_uEscape", "[\"\\u0061\\u30af\\u30EA\\u30b9\"]"),
    Y("y_string_uescaped_newline", "[\"new\\u000Aline\"]"),
    Y("y_string_unescaped_char_delete", "[\"\x7f\"]"),
    Y("y_string_unicode", "[\"\\uA66D\"]"),
    Y("y_string_unicodeEscapedBackslash", "[\"\\u005C\"]"),
    Y("y_string_unicode_2", "[\"\xe2\x8d\x82\xe3\x88\xb4\xe2\x8d\x82\"]"),
    Y("y_string_unicode_U+10FFFE_nonchar", "[\"\\uDBFF\\uDFFE\"]"),
    Y("y_string_unicode_U+1FFFE_nonchar", "[\"\\uD83F\\uDFFE\"]"),
    Y("y_string_unicode_U+200B_ZERO_WIDTH_SPACE", "[\"\\u200B\"]"),
    Y("y_string_unicode_U+2064_invisible_plus", "[\"\\u2064\"]"),
    Y("y_string_unicode_U+FDD0_nonchar", "[\"\\uFDD0\"]"),
    Y("y_string_unicode_U+FFFE_nonchar", "[\"\\uFFFE\"]"),
    Y("y_string_unicode_escaped_double_quote", "[\"\\u0022\"]"),
    Y("y_string_utf8", "[\"\xe2\x82\xac\xf0\x9d\x84\x9e\"]"),
    Y("y_string_with_del_character", "[\"a\x7f" "a\"]"),
    Y("y_structure_lonely_false", "false"),
    Y("y_structure_lonely_int", "42"),
    Y("y_structure_lonely_negative_real", "-0.1"),
    Y("y_structure_lonely_null", "null"),
    Y("y_structure_lonely_string", "\"asd\""),
    Y("y_structure_lonely_true", "true"),
    Y("y_structure_string_empty", "\"\""),
    Y("y_structure_trailing_newline", "[\"a\"]\n"),
    Y("y_structure_true_in_array", "[true]"),
    Y("y_structure_whitespace_array", " [] "),
};

static const jcase n_cases[] = {
    N("n_array_1_true_without_comma", "[1 true]"),
    N("n_array_a_invalid_utf8", "[a\xe5]"),
    N("n_array_colon_instead_of_comma", "[\"\": 1]"),
    N("n_array_comma_after_close", "[\"\"],"),
    N("n_array_comma_and_number", "[,1]"),
    N("n_array_double_comma", "[1,,2]"),
    N("n_array_double_extra_comma", "[\"x\",,]"),
    N("n_array_extra_close", "[\"x\"]]"),
    N("n_array_extra_comma", "[\"\",]"),
    N("n_array_incomplete", "[\"x\""),
    N("n_array_incomplete_invalid_value", "[x"),
    N("n_array_inner_array_no_comma", "[3[4]]"),
    N("n_array_invalid_utf8", "[\xff]"),
    N("n_array_items_separated_by_semicolon", "[1:2]"),
    N("n_array_just_comma", "[,]"),
    N("n_array_just_minus", "[-]"),
    N("n_array_missing_value", "[   , \"\"]"),
    N("n_array_newlines_unclosed", "[\"a\",\n4\n,1,"),
    N("n_array_number_and_comma", "[1,]"),
    N("n_array_number_and_several_commas", "[1,,]"),
    N("n_array_spaces_vertical_tab_formfeed", "[\"\x0b" "a\"\\f]"),
    N("n_array_star_inside", "[*]"),
    N("n_array_unclosed", "[\"\""),
    N("n_array_unclosed_trailing_comma", "[1,"),
    N("n_array_unclosed_with_new_lines", "[1,\n1\n,1"),
    N("n_array_unclosed_with_object_inside", "[{}"),
    N("n_incomplete_false", "[fals]"),
    N("n_incomplete_null", "[nul]"),
    N("n_incomplete_true", "[tru]"),
    NL("n_multidigit_number_then_00", "123\0"),
    N("n_number_++", "[++1234]"),
    N("n_number_+1", "[+1]"),
    N("n_number_+Inf", "[+Inf]"),
    N("n_number_-01", "[-01]"),
    N("n_number_-1.0.", "[-1.0.]"),
    N("n_number_-2.", "[-2.]"),
    N("n_number_-NaN", "[-NaN]"),
    N("n_number_.-1", "[.-1]"),
    N("n_number_.2e-3", "[.2e-3]"),
    N("n_number_0.1.2", "[0.1.2]"),
    N("n_number_0.3e+", "[0.3e+]"),
    N("n_number_0.3e", "[0.3e]"),
    N("n_number_0.e1", "[0.e1]"),
    N("n_number_0_capital_E+", "[0E+]"),
    N("n_number_0_capital_E", "[0E]"),
    N("n_number_0e+", "[0e+]"),
    N("n_number_0e", "[0e]"),
    N("n_number_1.0e+", "[1.0e+]"),
    N("n_number_1.0e-", "[1.0e-]"),
    N("n_number_1.0e", "[1.0e]"),
    N("n_number_1_000", "[1 000.0]"),
    N("n_number_1eE2", "[1eE2]"),
    N("n_number_2.e+3", "[2.e+3]"),
    N("n_number_2.e-3", "[2.e-3]"),
    N("n_number_2.e3", "[2.e3]"),
    N("n_number_9.e+", "[9.e+]"),
    N("n_number_Inf", "[Inf]"),
    N("n_number_NaN", "[NaN]"),
    N("n_number_U+FF11_fullwidth_digit_one", "[\xef\xbc\x91]"),
    N("n_number_expression", "[1+2]"),
    N("n_number_hex_1_digit", "[0x1]"),
    N("n_number_hex_2_digits", "[0x42]"),
    N("n_number_infinity", "[Infinity]"),
    N("n_number_invalid+-", "[0e+-1]"),
    N("n_number_invalid-negative-real", "[-123.123foo]"),
    N("n_number_invalid-utf-8-in-bigger-int", "[123\xe5]"),
    N("n_number_invalid-utf-8-in-exponent", "[1e1\xe5]"),
    N("n_number_invalid-utf-8-in-int", "[0\xe5]\n"),
    N("n_number_minus_infinity", "[-Infinity]"),
    N("n_number_minus_sign_with_trailing_garbage", "[-foo]"),
    N("n_number_minus_space_1", "[- 1]"),
    N("n_number_neg_int_starting_with_zero", "[-012]"),
    N("n_number_neg_real_without_int_part", "[-.123]"),
    N("n_number_neg_with_garbage_at_end", "[-1x]"),
    N("n_number_real_garbage_after_e", "[1ea]"),
    N("n_number_real_with_invalid_utf8_after_e", "[1e\xe5]"),
    N("n_number_real_without_fractional_part", "[1.]"),
    N("n_number_starting_with_dot", "[.123]"),
    N("n_number_with_alpha", "[1.2a-3]"),
    N("n_number_with_alpha_char", "[1.8011670033376514H-308]"),
    N("n_number_with_leading_zero", "[012]"),
    N("n_object_bad_value", "[\"x\", truth]"),
    N("n_object_bracket_key", "{[: \"x\"}\n"),
    N("n_object_comma_instead_of_colon", "{\"x\", null}"),
    N("n_object_double_colon", "{\"x\"::\"b\"}"),
    N("n_object_emoji", "{\xf0\x9f\x87\xa8\xf0\x9f\x87\xad}"),
    N("n_object_garbage_at_end", "{\"a\":\"a\" 123}"),
    N("n_object_key_with_single_quotes", "{key: 'value'}"),
    N("n_object_lone_continuation_byte_in_key_and_trailing_comma", "{\"\xb9\":\"0\",}"),
    N("n_object_missing_colon", "{\"a\" b}"),
    N("n_object_missing_key", "{:\"b\"}"),
    N("n_object_missing_semicolon", "{\"a\" \"b\"}"),
    N("n_object_missing_value", "{\"a\":"),
    N("n_object_no-colon", "{\"a\""),
    N("n_object_non_string_key", "{1:1}"),
    N("n_object_non_string_key_but_huge_number_instead", "{9999E9999:1}"),
    N("n_object_repeated_null_null", "{null:null,null:null}"),
    N("n_object_several_trailing_commas", "{\"id\":0,,,,,}"),
    N("n_object_single_quote", "{'a':0}"),
    N("n_object_trailing_comma", "{\"id\":0,}"),
    N("n_object_trailing_comment", "{\"a\":\"b\"}/**/"),
    N("n_object_trailing_comment_open", "{\"a\":\"b\"}/**//"),
    N("n_object_trailing_comment_slash_open", "{\"a\":\"b\"}//"),
    N("n_object_trailing_comment_slash_open_incomplete", "{\"a\":\"b\"}/"),
    N("n_object_two_commas_in_a_row", "{\"a\":\"b\",,\"c\":\"d\"}"),
    N("n_object_unquoted_key", "{a: \"b\"}"),
    N("n_object_unterminated-value", "{\"a\":\"a"),
    N("n_object_with_single_string", "{ \"foo\" : \"bar\", \"a\" }"),
    N("n_object_with_trailing_garbage", "{\"a\":\"b\"}#"),
    N("n_single_space", " "),
    N("n_string_1_surrogate_then_escape", "[\"\\uD800\\\"]"),
    N("n_string_1_surrogate_then_escape_u", "[\"\\uD800\\u\"]"),
    N("n_string_1_surrogate_then_escape_u1", "[\"\\uD800\\u1\"]"),
    N("n_string_1_surrogate_then_escape_u1x", "[\"\\uD800\\u1x\"]"),
    N("n_string_accentuated_char_no_quotes", "[\xc3\xa9]"),
    NL("n_string_backslash_00", "[\"\\\0\"]"),
    N("n_string_escape_x", "[\"\\x00\"]"),
    N("n_string_escaped_backslash_bad", "[\"\\\\\\\"]"),
    N("n_string_escaped_ctrl_char_tab", "[\"\\\t\"]"),
    N("n_string_escaped_emoji", "[\"\\\xf0\x9f\x8c\x80\"]"),
    N("n_string_incomplete_escape", "[\"\\\"]"),
    N("n_string_incomplete_escaped_character", "[\"\\u00A\"]"),
    N("n_string_incomplete_surrogate", "[\"\\uD834\\uDd\"]"),
    N("n_string_incomplete_surrogate_escape_invalid", "[\"\\uD800\\uD800\\x\"]"),
    N("n_string_invalid-utf-8-in-escape", "[\"\\u\xe5\"]"),
    N("n_string_invalid_backslash_esc", "[\"\\a\"]"),
    N("n_string_invalid_unicode_escape", "[\"\\uqqqq\"]"),
    N("n_string_invalid_utf8_after_escape", "[\"\\\xe5\"]"),
    N("n_string_leading_uescaped_thinspace", "[\\u0020\"asd\"]"),
    N("n_string_no_quotes_with_bad_escape", "[\\n]"),
    N("n_string_single_doublequote", "\""),
    N("n_string_single_quote", "['single quote']"),
    N("n_string_single_string_no_double_quotes", "abc"),
    N("n_string_start_escape_unclosed", "[\"\\"),
    NL("n_string_unescaped_ctrl_char", "[\"a\0a\"]"),
    N("n_string_unescaped_newline", "[\"new\nline\"]"),
    N("n_string_unescaped_tab", "[\"\t\"]"),
    N("n_string_unicode_CapitalU", "\"\\UA66D\""),
    N("n_string_with_trailing_garbage", "\"\"x"),
    N("n_structure_U+2060_word_joined", "[\xe2\x81\xa0]"),
    N("n_structure_UTF8_BOM_no_data", "\xef\xbb\xbf"),
    N("n_structure_angle_bracket_.", "<.>"),
    N("n_structure_angle_bracket_null", "[<null>]"),
    N("n_structure_array_trailing_garbage", "[1]x"),
    N("n_structure_array_with_extra_array_close", "[1]]"),
    N("n_structure_array_with_unclosed_string", "[\"asd]"),
    N("n_structure_ascii-unicode-identifier", "a\xc3\xa5"),
    N("n_structure_capitalized_True", "[True]"),
    N("n_structure_close_unopened_array", "1]"),
    N("n_structure_comma_instead_of_closing_brace", "{\"x\": true,"),
    N("n_structure_double_array", "[][]"),
    N("n_structure_end_array", "]"),
    N("n_structure_incomplete_UTF8_BOM", "\xef\xbb{}"),
    N("n_structure_lone-invalid-utf-8", "\xe5"),
    N("n_structure_lone-open-bracket", "["),
    N("n_structure_no_data", ""),
    NL("n_structure_null-byte-outside-string", "[\0]"),
    N("n_structure_number_with_trailing_garbage", "2@"),
    N("n_structure_object_followed_by_closing_object", "{}}"),
    N("n_structure_object_unclosed_no_value", "{\"\":"),
    N("n_structure_object_with_comment", "{\"a\":/*comment*/\"b\"}"),
    N("n_structure_object_with_trailing_garbage", "{\"a\": true} \"x\""),
    N("n_structure_open_array_apostrophe", "['"),
    N("n_structure_open_array_comma", "[,"),
    N("n_structure_open_array_open_object", "[{"),
    N("n_structure_open_array_open_string", "[\"a"),
    N("n_structure_open_array_string", "[\"a\""),
    N("n_structure_open_object", "{"),
    N("n_structure_open_object_close_array", "{]"),
    N("n_structure_open_object_comma", "{,"),
    N("n_structure_open_object_open_array", "{["),
    N("n_structure_open_object_open_string", "{\"a"),
    N("n_structure_open_object_string_with_apostrophes", "{'a'"),
    N("n_structure_open_open", "[\"\\{[\"\\{[\"\\{[\"\\{"),
    N("n_structure_single_eacute", "\xe9"),
    N("n_structure_single_star", "*"),
    N("n_structure_trailing_#", "{\"a\":\"b\"}#{}"),
    N("n_structure_uescaped_LF_before_string", "[\\u000A\"\"]"),
    N("n_structure_unclosed_array", "[1"),
    N("n_structure_unclosed_array_partial_null", "[ false, nul"),
    N("n_structure_unclosed_array_unfinished_false", "[ true, fals"),
    N("n_structure_unclosed_array_unfinished_true", "[ false, tru"),
    N("n_structure_unclosed_object", "{\"asd\":\"asd\""),
    N("n_structure_unicode-identifier", "\xc3\xa5"),
    N("n_structure_whitespace_U+2060_word_joiner", "[\xe2\x81\xa0]"),
    N("n_structure_whitespace_formfeed", "[\f]"),
};

/* i_ cases: 'y' or 'n' is this implementation's documented decision */
static const jcase i_cases[] = {
    Y("i_number_double_huge_neg_exp", "[123.456e-789]"),
    Y("i_number_huge_exp", "[0.4e00669999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999969999999006]"),
    Y("i_number_neg_int_huge_exp", "[-1e+9999]"),
    Y("i_number_pos_double_huge_exp", "[1.5e+9999]"),
    Y("i_number_real_neg_overflow", "[-123123e100000]"),
    Y("i_number_real_pos_overflow", "[123123e100000]"),
    Y("i_number_real_underflow", "[123e-10000000]"),
    Y("i_number_too_big_neg_int", "[-123123123123123123123123123123]"),
    Y("i_number_too_big_pos_int", "[100000000000000000000]"),
    Y("i_number_very_big_negative_int", "[-237462374673276894279832749832423479823246327846]"),
    Y("i_object_key_lone_2nd_surrogate", "{\"\\uDFAA\":0}"),
    Y("i_string_1st_surrogate_but_2nd_missing", "[\"\\uDADA\"]"),
    Y("i_string_1st_valid_surrogate_2nd_invalid", "[\"\\uD888\\u1234\"]"),
    Y("i_string_incomplete_surrogate_and_escape_valid", "[\"\\uD800\\n\"]"),
    Y("i_string_incomplete_surrogate_pair", "[\"\\uDd1ea\"]"),
    Y("i_string_incomplete_surrogates_escape_valid", "[\"\\uD800\\uD800\\n\"]"),
    Y("i_string_invalid_lonely_surrogate", "[\"\\ud800\"]"),
    Y("i_string_invalid_surrogate", "[\"\\ud800abc\"]"),
    Y("i_string_inverted_surrogates_U+1D11E", "[\"\\uDd1e\\uD834\"]"),
    Y("i_string_lone_second_surrogate", "[\"\\uDFAA\"]"),
    N("i_string_UTF-16LE_with_BOM", "\xff\xfe[\0\"\0\xe9\0\"\0]\0"),
    N("i_string_UTF-8_invalid_sequence", "[\"\xe6\x97\xa5\xd1\x88\xfa\"]"),
    N("i_string_UTF8_surrogate_U+D800", "[\"\xed\xa0\x80\"]"),
    N("i_string_invalid_utf-8", "[\"\xff\"]"),
    N("i_string_iso_latin_1", "[\"\xe9\"]"),
    N("i_string_lone_utf8_continuation_byte", "[\"\x81\"]"),
    N("i_string_not_in_unicode_range", "[\"\xf4\xbf\xbf\xbf\"]"),
    N("i_string_overlong_sequence_2_bytes", "[\"\xc0\xaf\"]"),
    N("i_string_overlong_sequence_6_bytes", "[\"\xfc\x83\xbf\xbf\xbf\xbf\"]"),
    N("i_string_overlong_sequence_6_bytes_null", "[\"\xfc\x80\x80\x80\x80\x80\"]"),
    N("i_string_truncated-utf-8", "[\"\xe0\xff\"]"),
    N("i_string_utf16BE_no_BOM", "\0[\0\"\0\xe9\0\"\0]"),
    N("i_string_utf16LE_no_BOM", "[\0\"\0\xe9\0\"\0]\0"),
    N("i_structure_UTF-8_BOM_empty_object", "\xef\xbb\xbf{}"),
};

static void run_cases(const jcase *cs, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        asy_json_doc_t doc;
        asy_json_error_t err;
        size_t len = cs[i].len ? cs[i].len : strlen(cs[i].text);
        int r = asy_json_parse(&doc, cs[i].text, len, NULL, &err);
        if (cs[i].expect == 'y' && r != 0)
            FAIL("%s: rejected with %s at %zu", cs[i].name, asy_err_name(r), err.offset);
        if (cs[i].expect == 'n' && r == 0) FAIL("%s: accepted", cs[i].name);
        if (r == 0) {
            char *out;
            size_t olen;
            ASSERT_NOT_NULL(doc.root);
            ASSERT_OK(asy_json_stringify(doc.root, 0, &out, &olen));
            ASSERT_EQ(strlen(out) <= olen, 1);
            asy_free(out);
        } else {
            ASSERT_LE(err.offset, len);
            ASSERT_EQ(err.code, r);
            ASSERT_NE(strcmp(asy_err_name(r), "UNKNOWN"), 0);
        }
        asy_json_doc_free(&doc);
    }
}

TEST(json_suite_y) { run_cases(y_cases, ASY_ARRAY_SIZE(y_cases)); }
TEST(json_suite_n) { run_cases(n_cases, ASY_ARRAY_SIZE(n_cases)); }
TEST(json_suite_i) { run_cases(i_cases, ASY_ARRAY_SIZE(i_cases)); }

/* The suite's generated cases: 100000 '[' (n_structure_100000_opening_arrays,
 * n_structure_open_array_object) and i_structure_500_nested_arrays. */
TEST(json_suite_deep) {
    static char buf[100001];
    asy_json_doc_t doc;
    asy_json_error_t err;
    size_t i;
    memset(buf, '[', 100000);
    ASSERT_ERR(asy_json_parse(&doc, buf, 100000, NULL, &err), ASY_EJSON_DEPTH);
    ASSERT_EQ(err.offset, 1000);
    ASSERT_ERR(asy_json_parse(&doc, buf, 100000, &(asy_json_parse_opts_t){.max_depth = 200000}, &err),
               ASY_EJSON_EOF);
    ASSERT_EQ(err.offset, 100000);
    for (i = 0; i < 50000; i++) memcpy(buf + 2 * i, "[{", 2);
    ASSERT_ERR(asy_json_parse(&doc, buf, 100000, &(asy_json_parse_opts_t){.max_depth = 200000}, &err),
               ASY_EJSON_SYNTAX);
    ASSERT_EQ(err.offset, 2);
    memset(buf, '[', 500);
    memset(buf + 500, ']', 500);
    ASSERT_OK(asy_json_parse(&doc, buf, 1000, NULL, &err));
    asy_json_doc_free(&doc);
}
