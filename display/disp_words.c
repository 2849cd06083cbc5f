#include "disp_words.h"

#include <string.h>

static const struct disp_words EN = {
    .locale = "en",
    .font = "DejaVu Sans",
    .red_signal = "Crossed while the red man was showing",
    .outside_crosswalk = "Crossed the road outside the crossing",
    .other_offence = "Crossing offence",
    .when = "When",
    .where = "Where",
    .signal = "Pedestrian signal",
    .walk = "green man",
    .clearance = "green man flashing",
    .dont_walk = "red man",
    .no_signal = "no signal",
    .seconds_red = "red for %.0f s",
    .rule = "Cross only on the green man, and only at the crossing. Fixed penalty notice.",
    .appeal = "To appeal, scan the code or write to the police within 28 days.",
    .scan = "Scan for the case record",
    .idle = "Wait for the green man",
    .day_count = "Crossing offences recorded here on %s: %d",
    .no_picture = "No picture of the person is shown here.",
};

static const struct disp_words DE = {
    .locale = "de",
    .font = "DejaVu Sans",
    .red_signal = "Bei Rot über die Straße gegangen",
    .outside_crosswalk = "Außerhalb des Überwegs über die Straße gegangen",
    .other_offence = "Verstoß beim Überqueren",
    .when = "Wann",
    .where = "Wo",
    .signal = "Fußgängerampel",
    .walk = "Grün",
    .clearance = "Grün blinkend",
    .dont_walk = "Rot",
    .no_signal = "keine Ampel",
    .seconds_red = "seit %.0f s Rot",
    .rule = "Nur bei Grün und nur am Überweg gehen. Verwarnungsgeld.",
    .appeal = "Einspruch: Code scannen oder binnen 28 Tagen an die Polizei schreiben.",
    .scan = "Scannen: Fallakte",
    .idle = "Warten Sie auf Grün",
    .day_count = "Am %s hier festgestellte Verstöße: %d",
    .no_picture = "Ein Bild der Person wird hier nicht gezeigt.",
};

static const struct disp_words ZH_CN = {
    .locale = "zh_CN",
    .font = "WenQuanYi Zen Hei",
    .red_signal = "红灯时横穿马路",
    .outside_crosswalk = "未走人行横道横穿马路",
    .other_offence = "行人违法过街",
    .when = "时间",
    .where = "地点",
    .signal = "行人信号灯",
    .walk = "绿灯",
    .clearance = "绿灯闪烁",
    .dont_walk = "红灯",
    .no_signal = "无信号灯",
    .seconds_red = "已亮 %.0f 秒",
    .rule = "请在绿灯时从人行横道通过。违者依法处罚。",
    .appeal = "如有异议，请扫码或于28日内向公安机关申请复核。",
    .scan = "扫码查看案件",
    .idle = "请等待绿灯",
    .day_count = "%s 此处记录的违法过街：%d 起",
    .no_picture = "此处不显示当事人图像。",
};

const struct disp_words *const DISP_WORDS_ALL[] = {&EN, &DE, &ZH_CN, NULL};

const struct disp_words *
disp_words_for (const char *locale)
{
  for (int i = 0; locale && DISP_WORDS_ALL[i]; i++)
    if (!strcmp (DISP_WORDS_ALL[i]->locale, locale))
      return DISP_WORDS_ALL[i];
  return NULL;
}
