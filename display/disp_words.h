/* disp_words — what a roadside screen says, in the languages it can say it
 * in ([display] locale): the public reads words, never the appliance's
 * identifiers (DONT_WALK, red_signal). One table per language, kept here as
 * the catalogue; a language is added by adding a table. */
#ifndef CW_DISP_WORDS_H
#define CW_DISP_WORDS_H

struct disp_words {
  const char *locale;
  const char *font;          /* a family that has the language's glyphs */
  const char *red_signal;    /* the headline of each offence */
  const char *outside_crosswalk;
  const char *other_offence;
  const char *when, *where, *signal; /* labels */
  const char *walk, *clearance, *dont_walk, *no_signal; /* the signal, at entry */
  const char *seconds_red;   /* printf: "%.0f" seconds of red at entry */
  const char *rule;          /* the rule and penalty, unless [display] rule_text says otherwise */
  const char *appeal;        /* how to appeal, unless [display] appeal_text says otherwise */
  const char *scan;          /* under the QR code */
  const char *idle;          /* the idle screen's request ("Wait for the green man") */
  const char *day_count;     /* printf: on "%s" (the day, YYYY-MM-DD) "%d" crossing offences were recorded here */
  const char *no_picture;    /* why a case is shown without a picture */
};

/* The words for LOCALE (en, de, zh_CN), or NULL. */
const struct disp_words *disp_words_for (const char *locale);

/* Every table, NULL-terminated (for tests). */
extern const struct disp_words *const DISP_WORDS_ALL[];

#endif
