package messages

// ar is the Arabic table: formal Modern Standard Arabic, addressing the
// respondent in the plural (أجبتم، مدينتكم).
//
// Bidi: a Latin command such as /back inside Arabic text is written
// "\u200e/back" — the invisible left-to-right mark keeps the slash on the
// left of the word, where a right-to-left line would otherwise move it.
// Commands and ids come after the Arabic words that explain them, so each
// line starts with Arabic and reads right to left.
var ar = map[string]string{
	"notice.choose_option":          "يرجى اختيار أحد الأزرار، أو كتابة رقم من ١ إلى {count}.",
	"notice.choose_option.typed":    "يرجى كتابة رقم أحد الخيارات من ١ إلى {count}، أو اسمه.",
	"notice.choose_several":         "يرجى الضغط على الخيارات المطلوبة ثم على «تم»، أو كتابة أرقامها من ١ إلى {count}، مثل ١،٣.",
	"notice.choose_several.typed":   "يرجى كتابة أرقام الخيارات المطلوبة من ١ إلى {count}، مفصولة بفاصلة، مثل ١،٣.",
	"notice.too_few_choices":        "يرجى اختيار {min} من الخيارات على الأقل، ثم الضغط على «تم».",
	"notice.too_many_choices":       "يمكن اختيار {max} من الخيارات على الأكثر؛ اضغطوا على خيار محدد لإلغائه.",
	"notice.too_many_choices.typed": "يمكن اختيار {max} من الخيارات على الأكثر: اكتبوا الأرقام من جديد، مثل ١،٣.",
	"notice.empty":                  "الرسالة فارغة. يرجى كتابة إجابتكم.",
	"notice.too_long":               "عدد أحرف الإجابة {got}، والحد الأقصى {max}. يرجى اختصارها.",
	"notice.not_number":             "يرجى كتابة رقم، مثل ١٢.",
	"notice.not_integer":            "يرجى كتابة عدد صحيح، مثل ١٢.",
	"notice.out_of_range":           "يرجى كتابة رقم من {min} إلى {max}.",
	"notice.out_of_range_min":       "يرجى كتابة رقم لا يقل عن {min}.",
	"notice.out_of_range_max":       "يرجى كتابة رقم لا يزيد على {max}.",
	"notice.not_email":              "لا يبدو هذا عنوان بريد إلكتروني. يرجى كتابة عنوان مثل name@city.gov.",
	"notice.unsupported":            "لا أستطيع هنا قراءة سوى النصوص والضغط على الأزرار. يرجى الإجابة كتابةً أو باستخدام الأزرار.",
	"notice.unsupported.typed":      "لا أستطيع هنا قراءة سوى النصوص. يرجى كتابة إجابتكم.",
	"notice.stale":                  "هذا الزر يخص سؤالًا سابقًا — لم يتغير شيء.",
	"notice.required":               "هذا السؤال يتطلب إجابة، ولا يمكن تخطيه.",
	"notice.first_question":         "هذا هو السؤال الأول — لا يوجد سؤال قبله.",
	"notice.nothing_back":           "لا يوجد سؤال سابق للرجوع إليه.",
	"notice.unknown_command":        "الأمر \u200e/{command} غير معروف. أرسلوا \u200e/help للاطلاع على الأوامر.",
	"notice.already_complete":       "تم إرسال إجاباتكم بالفعل — شكرًا لكم. أرسلوا \u200e/status للاطلاع على تقدمكم.",
	"notice.restart_cancelled":      "لم يُحذف أي شيء. نتابع من حيث توقفتم.",
	"notice.restarted":              "تم حذف إجاباتكم. نبدأ من جديد بالسؤال الأول.",
	"notice.language_set":           "تم اختيار اللغة العربية.",
	"notice.review_hint":            "اكتبوا رقمًا من ١ إلى {count} لتغيير تلك الإجابة، أو اضغطوا على «إرسال».",
	"notice.review_hint.typed":      "اكتبوا رقمًا من ١ إلى {count} لتغيير تلك الإجابة، أو اكتبوا «إرسال» لإرسال إجاباتكم.",
	"notice.previous_answer":        "إجابتكم الحالية: {answer}. أرسلوا إجابة جديدة لتغييرها.",
	"notice.choose_language":        "يرجى الضغط على إحدى اللغات، أو كتابة رقمها من ١ إلى {count}.",
	"notice.choose_language.typed":  "يرجى كتابة رقم اللغة من ١ إلى {count}، أو اسمها.",
	"notice.skipped":                "تم تخطي السؤال.",
	"notice.yes_or_no":              "يرجى الضغط على «نعم» أو «لا»، أو كتابة نعم أو لا.",
	"notice.yes_or_no.typed":        "يرجى كتابة نعم أو لا، أو الرقم ١ أو ٢.",

	"welcome.title_intro": "{title}\n\n{intro}",
	"welcome.resume":      "مرحبًا بعودتكم — أجبتم عن {answered} من {total}. هذا هو السؤال الذي توقفتم عنده:",

	"question.progress":               "{number}/{total}",
	"question.optional":               "(اختياري — للتخطي أرسلوا \u200e/skip)",
	"question.choose_one_hint":        "اضغطوا على أحد الأزرار أو اكتبوا رقمه.",
	"question.choose_many_hint":       "اختاروا كل ما ينطبق، ثم اضغطوا على «تم».",
	"question.choose_many_hint.typed": "اكتبوا أرقام كل ما ينطبق، مثل ١،٣.",
	"question.text_hint":              "اكتبوا إجابتكم.",
	"question.number_hint":            "اكتبوا رقمًا.",
	"question.email_hint":             "اكتبوا عنوان بريد إلكتروني، مثل name@city.gov.",
	"question.other_prompt":           "يرجى التحديد — اكتبوا إجابتكم في رسالة.",
	"question.previous":               "الإجابة الحالية: {answer} — أرسلوا إجابة جديدة لتغييرها، أو ‎/skip‏ للإبقاء عليها.",

	"ack.answer":  "✓ {answer}",
	"ack.skipped": "— تم التخطي",

	"language.prompt": "Choose your language · اختر لغتك · Dilinizi seçin · Choisissez votre langue",

	"review.title":      "يرجى مراجعة إجاباتكم:",
	"review.item":       "{number}. {question}\n    {answer}",
	"review.skipped":    "(تم التخطي)",
	"review.hint":       "اكتبوا رقم الإجابة لتغييرها، أو اضغطوا على «إرسال».",
	"review.hint.typed": "اكتبوا رقم الإجابة لتغييرها، أو اكتبوا «إرسال» لإرسال إجاباتكم.",
	"review.change":     "تغيير {number}",
	"review.submit":     "إرسال ✓",

	"restart.confirm": "هل تريدون البدء من جديد؟ ستُحذف جميع إجاباتكم.",
	"thanks":          "شكرًا لكم! تم إرسال إجاباتكم. يمكنكم مراجعتها بإرسال \u200e/status.",

	"status.progress": "عدد الأسئلة المنجزة (المُجاب عنها أو المتخطاة): {answered} من {total}. الحالة: {status}.",
	"status.partial":  "قيد الإكمال",
	"status.complete": "تم الإرسال",

	"help.text": "السؤال السابق: \u200e/back · تخطي سؤال اختياري: \u200e/skip\n" +
		"البدء من جديد: \u200e/restart · تغيير اللغة: \u200e/language\n" +
		"عرض التقدم: \u200e/status · هذه المساعدة: \u200e/help",

	"cmd.start":    "بدء الاستبيان أو متابعته",
	"cmd.back":     "الرجوع إلى السؤال السابق",
	"cmd.skip":     "تخطي سؤال اختياري",
	"cmd.restart":  "البدء من جديد",
	"cmd.language": "تغيير اللغة",
	"cmd.status":   "عرض التقدم",
	"cmd.help":     "طريقة استخدام البوت",

	"cmd.results":     "نتائج الاستبيان",
	"cmd.export":      "تصدير الإجابات في ملف",
	"cmd.chart":       "رسم بياني لسؤال",
	"cmd.respondents": "قائمة المشاركين",
	"cmd.remind":      "تذكير من لم يُكملوا",
	"cmd.invite":      "إنشاء رابط دعوة",

	"console.bye":        "تم حفظ إجاباتكم حتى الآن. شغّلوا الأمر نفسه مرة أخرى للمتابعة من حيث توقفتم.",
	"console.bye_done":   "تم إرسال ردكم. شكرًا لكم!",
	"group.private_only": "أُجري الاستبيانات في المحادثات الخاصة فقط: يرجى فتح محادثة خاصة معي وإرسال \u200e/start.",

	"button.yes":  "نعم",
	"button.no":   "لا",
	"button.done": "تم ✓",
	"button.skip": "تخطي",
	"button.back": "رجوع",

	"word.done":   "تم",
	"word.submit": "إرسال",

	"coord.results_header":     "النتائج — {survey}",
	"coord.results_counts":     "الاستجابات المبدوءة: {started}\nالمكتملة: {complete} ({rate})\nغير المكتملة: {partial}\nالوقت الوسيط للإكمال: {median}",
	"coord.text_answers":       "إجابات نصية: {count}",
	"coord.no_responses":       "لا توجد إجابات بعد.",
	"coord.export_usage":       "طريقة الاستخدام: \u200e/export csv|xlsx|json [all|complete|partial]",
	"coord.export_caption":     "عدد الإجابات: {count} · {format}",
	"coord.chart_usage":        "طريقة الاستخدام: \u200e/chart QUESTION_ID. المعرّفات الصالحة: {ids}",
	"coord.chart_unknown":      "معرّف السؤال غير معروف. المعرّفات الصالحة: {ids}",
	"coord.respondents_header": "المشاركون {from}–{to} من {total}",
	"coord.respondents_line":   "\u200f{respondent} · {municipality} · {country} · {status} · {answered}/{total} · {last}",
	"coord.respondents_none":   "لا يوجد مشاركون بعد.",
	"coord.next":               "التالي ›",
	"coord.prev":               "‹ السابق",
	"coord.remind_done":        "عدد التذكيرات المرسلة: {count}.",
	"coord.invite_usage":       "طريقة الاستخدام: \u200e/invite LABEL (حروف وأرقام و _ و -، بحد أقصى ٤٠ حرفًا)",
	"coord.invite_link":        "رابط {label}:\n{link}",
	"coord.error":              "عذرًا، تعذّر ذلك: {reason}",
	"coord.chart_answers":      "عدد الإجابات: {count}",
	"coord.results_question":   "{id} · {answers}",
	"coord.results_choice":     "\u200f{count}  {percent}  {label}",
	"coord.percent":            "{value}٪",
	"coord.duration_hours":     "{hours} ساعة {minutes} دقيقة",
	"coord.duration_minutes":   "{minutes} دقيقة",
	"coord.duration_seconds":   "{seconds} ثانية",
	"coord.median_none":        "—",
	"coord.invite_no_bot":      "روابط الدعوة تتطلب بوت تيليجرام، وهو غير مُشغَّل الآن.",
	"coord.help": "أوامر المنسقين:\n" +
		"النتائج والأعداد لكل سؤال: \u200e/results\n" +
		"تصدير الإجابات في ملف: \u200e/export csv|xlsx|json\n" +
		"رسم بياني لسؤال: \u200e/chart QUESTION_ID\n" +
		"المشاركون وتقدمهم: \u200e/respondents\n" +
		"تذكير من توقفوا منذ أكثر من ٢٤ ساعة: \u200e/remind\n" +
		"رابط دعوة باسم LABEL: \u200e/invite LABEL",
	"coord.whatsapp_down":  "توقفت قناة واتساب: {reason}. لن يتلقى المشاركون على واتساب أي رد حتى يعيد المشغّل ربط الحساب بالأمر ‎`surveybot whatsapp-link`‎ ويعيد تشغيل البوت. تيليجرام مستمر في العمل.",
	"coord.whatsapp_later": "أوامر المنسقين متاحة على تيليجرام.",

	"remind.text":   "مرحبًا! لم يكتمل بعدُ استبيان «{title}» — أنجزتم {answered} من {total} سؤالًا. اضغطوا أدناه للمتابعة من حيث توقفتم.",
	"remind.button": "متابعة",

	"error.internal": "عذرًا، حدث خطأ من جهتنا. إجاباتكم حتى الآن محفوظة؛ يرجى المحاولة مرة أخرى بعد دقيقة.",
}
