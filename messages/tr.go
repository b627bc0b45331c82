package messages

// tr is the Turkish table, in the formal "siz" form.
var tr = map[string]string{
	"notice.choose_option":          "Lütfen düğmelerden birini seçin veya 1 ile {count} arasında bir sayı yazın.",
	"notice.choose_option.typed":    "Lütfen seçeneklerden birinin 1 ile {count} arasındaki numarasını veya adını yazın.",
	"notice.choose_several":         "İstediğiniz seçeneklere dokunup Tamam'a basın ya da 1 ile {count} arasındaki numaralarını yazın, örneğin 1,3.",
	"notice.choose_several.typed":   "Lütfen istediğiniz seçeneklerin 1 ile {count} arasındaki numaralarını virgülle ayırarak yazın, örneğin 1,3.",
	"notice.too_few_choices":        "Lütfen seçeneklerden en az {min} tanesini seçin, ardından Tamam'a basın.",
	"notice.too_many_choices":       "En fazla {max} seçenek seçebilirsiniz; kaldırmak için seçili bir seçeneğe dokunun.",
	"notice.too_many_choices.typed": "En fazla {max} seçenek seçebilirsiniz: numaraları yeniden yazın, örneğin 1,3.",
	"notice.empty":                  "Mesaj boştu. Lütfen cevabınızı yazın.",
	"notice.too_long":               "Cevabınız {got} karakter; sınır {max}. Lütfen cevabınızı kısaltın.",
	"notice.not_number":             "Lütfen bir sayı yazın, örneğin 12.",
	"notice.not_integer":            "Lütfen bir tam sayı yazın, örneğin 12.",
	"notice.out_of_range":           "Lütfen {min} ile {max} arasında bir sayı yazın.",
	"notice.out_of_range_min":       "Lütfen {min} veya daha büyük bir sayı yazın.",
	"notice.out_of_range_max":       "Lütfen {max} veya daha küçük bir sayı yazın.",
	"notice.not_email":              "Bu bir e-posta adresine benzemiyor. Lütfen name@city.gov gibi bir adres yazın.",
	"notice.unsupported":            "Burada yalnızca metin ve düğme dokunuşlarını okuyabiliyorum. Lütfen metinle veya düğmelerle cevap verin.",
	"notice.unsupported.typed":      "Burada yalnızca metin okuyabiliyorum. Lütfen cevabınızı yazın.",
	"notice.stale":                  "Bu düğme önceki bir soruya ait — hiçbir şey değiştirilmedi.",
	"notice.required":               "Bu sorunun cevaplanması gerekiyor; atlanamaz.",
	"notice.first_question":         "Bu ilk soru — öncesinde soru yok.",
	"notice.nothing_back":           "Geri dönülecek önceki bir soru yok.",
	"notice.unknown_command":        "/{command} komutunu tanımıyorum. Komutları görmek için /help gönderin.",
	"notice.already_complete":       "Cevaplarınız zaten gönderildi — teşekkür ederiz. İlerlemenizi görmek için /status gönderin.",
	"notice.restart_cancelled":      "Hiçbir şey silinmedi. Kaldığınız yerden devam ediyoruz.",
	"notice.restarted":              "Cevaplarınız silindi. İlk sorudan yeniden başlıyoruz.",
	"notice.language_set":           "Dil Türkçe olarak ayarlandı.",
	"notice.review_hint":            "Bir cevabı değiştirmek için 1 ile {count} arasındaki numarasını yazın veya Gönder'e dokunun.",
	"notice.review_hint.typed":      "Bir cevabı değiştirmek için 1 ile {count} arasındaki numarasını yazın ya da cevaplarınızı göndermek için Gönder yazın.",
	"notice.previous_answer":        "Mevcut cevabınız: {answer}. Değiştirmek için yeni bir cevap gönderin.",
	"notice.choose_language":        "Lütfen bir dile dokunun veya 1 ile {count} arasındaki numarasını yazın.",
	"notice.choose_language.typed":  "Lütfen bir dilin 1 ile {count} arasındaki numarasını veya adını yazın.",
	"notice.skipped":                "Soru atlandı.",
	"notice.yes_or_no":              "Lütfen Evet veya Hayır'a dokunun ya da evet veya hayır yazın.",
	"notice.yes_or_no.typed":        "Lütfen evet veya hayır ya da 1 veya 2 numarasını yazın.",

	"welcome.title_intro": "{title}\n\n{intro}",
	"welcome.resume":      "Tekrar hoş geldiniz — {total} sorudan {answered} tanesini cevapladınız. Kaldığınız yer burası:",

	"question.progress":               "{number}/{total}",
	"question.optional":               "(isteğe bağlı — geçmek için /skip)",
	"question.choose_one_hint":        "Bir düğmeye dokunun veya numarasını yazın.",
	"question.choose_many_hint":       "Uygun olanların hepsini seçin, ardından Tamam'a basın.",
	"question.choose_many_hint.typed": "Uygun olanların hepsinin numaralarını yazın, örneğin 1,3.",
	"question.text_hint":              "Cevabınızı yazın.",
	"question.number_hint":            "Bir sayı yazın.",
	"question.email_hint":             "Bir e-posta adresi yazın, örneğin name@city.gov.",
	"question.other_prompt":           "Lütfen hangisi olduğunu belirtin — aşağıya yazın.",
	"question.previous":               "Mevcut cevap: {answer} — değiştirmek için yeni bir cevap gönderin ya da korumak için /skip yazın.",

	"ack.answer":  "✓ {answer}",
	"ack.skipped": "— atlandı",

	"language.prompt": "Choose your language · اختر لغتك · Dilinizi seçin · Choisissez votre langue",

	"review.title":      "Lütfen cevaplarınızı kontrol edin:",
	"review.item":       "{number}. {question}\n    {answer}",
	"review.skipped":    "(atlandı)",
	"review.hint":       "Değiştirmek istediğiniz cevabın numarasını yazın veya Gönder'e dokunun.",
	"review.hint.typed": "Değiştirmek istediğiniz cevabın numarasını yazın ya da cevaplarınızı göndermek için Gönder yazın.",
	"review.change":     "Değiştir: {number}",
	"review.submit":     "Gönder ✓",

	"restart.confirm": "Baştan başlamak istiyor musunuz? Tüm cevaplarınız silinecek.",
	"thanks":          "Teşekkür ederiz! Cevaplarınız gönderildi. /status ile inceleyebilirsiniz.",

	"status.progress": "{total} sorudan {answered} tanesini tamamladınız (cevaplanan veya atlanan). Durum: {status}.",
	"status.partial":  "devam ediyor",
	"status.complete": "gönderildi",

	"help.text": "/back önceki soruya döner, /skip isteğe bağlı bir soruyu atlar.\n" +
		"/restart baştan başlatır, /language dili değiştirir.\n" +
		"/status ilerlemenizi, /help bu yardımı gösterir.",

	"cmd.start":    "Anketi başlat veya devam et",
	"cmd.back":     "Önceki soruya dön",
	"cmd.skip":     "İsteğe bağlı soruyu atla",
	"cmd.restart":  "Baştan başla",
	"cmd.language": "Dili değiştir",
	"cmd.status":   "İlerleme durumunu göster",
	"cmd.help":     "Botun kullanımı",

	"cmd.results":     "Anket sonuçları",
	"cmd.export":      "Cevapları dosya olarak dışa aktar",
	"cmd.chart":       "Bir sorunun grafiği",
	"cmd.respondents": "Katılımcıları listele",
	"cmd.remind":      "Tamamlamayanlara hatırlatma gönder",
	"cmd.invite":      "Davet bağlantısı oluştur",

	"console.bye":        "Şimdiye kadarki cevaplarınız kaydedildi. Kaldığınız yerden devam etmek için aynı komutu yeniden çalıştırın.",
	"console.bye_done":   "Yanıtınız gönderildi. Teşekkürler!",
	"group.private_only": "Anketleri yalnızca özel sohbette yürütüyorum: benimle özel bir sohbet açın ve /start gönderin.",

	"button.yes":  "Evet",
	"button.no":   "Hayır",
	"button.done": "Tamam ✓",
	"button.skip": "Atla",
	"button.back": "Geri",

	"word.done":   "Tamam",
	"word.submit": "Gönder",

	"coord.results_header":     "Sonuçlar — {survey}",
	"coord.results_counts":     "Başlayan: {started}\nTamamlanan: {complete} ({rate})\nYarım kalan: {partial}\nOrtanca tamamlama süresi: {median}",
	"coord.text_answers":       "{count} metin cevabı",
	"coord.no_responses":       "Henüz cevap yok.",
	"coord.export_usage":       "Kullanım: /export csv|xlsx|json [all|complete|partial]",
	"coord.export_caption":     "{count} cevap · {format}",
	"coord.chart_usage":        "Kullanım: /chart SORU_KİMLİĞİ. Geçerli kimlikler: {ids}",
	"coord.chart_unknown":      "Bilinmeyen soru kimliği. Geçerli kimlikler: {ids}",
	"coord.respondents_header": "Katılımcılar {from}–{to} / {total}",
	"coord.respondents_line":   "{respondent} · {municipality} · {country} · {status} · {answered}/{total} · {last}",
	"coord.respondents_none":   "Henüz katılımcı yok.",
	"coord.next":               "Sonraki ›",
	"coord.prev":               "‹ Önceki",
	"coord.remind_done":        "Gönderilen hatırlatma: {count}.",
	"coord.invite_usage":       "Kullanım: /invite ETİKET (harf, rakam, _ ve -, en fazla 40 karakter)",
	"coord.invite_link":        "{label} için bağlantı:\n{link}",
	"coord.error":              "Üzgünüz, işlem başarısız oldu: {reason}",
	"coord.chart_answers":      "{count} cevap",
	"coord.results_question":   "{id} · {answers}",
	"coord.results_choice":     "{count}  {percent}  {label}",
	"coord.percent":            "%{value}",
	"coord.duration_hours":     "{hours} sa {minutes} dk",
	"coord.duration_minutes":   "{minutes} dk",
	"coord.duration_seconds":   "{seconds} sn",
	"coord.median_none":        "—",
	"coord.invite_no_bot":      "Davet bağlantıları Telegram botunu gerektirir; bot şu anda çalışmıyor.",
	"coord.help": "Koordinatör komutları:\n" +
		"/results — başlayan, tamamlanan, yarım kalan, soru başına sayılar\n" +
		"/export csv|xlsx|json — cevaplar dosya olarak\n" +
		"/chart SORU_KİMLİĞİ — bir sorunun çubuk grafiği\n" +
		"/respondents — katılımcılar ve ilerlemeleri\n" +
		"/remind — 24 saatten uzun süredir bekleyenlere hatırlatma\n" +
		"/invite ETİKET — ETİKET ile işaretli davet bağlantısı",
	"coord.whatsapp_down":  "WhatsApp durdu: {reason}. Bir operatör `surveybot whatsapp-link` komutunu yeniden çalıştırıp botu yeniden başlatana kadar WhatsApp'taki katılımcılar yanıt alamaz. Telegram çalışmaya devam ediyor.",
	"coord.whatsapp_later": "Koordinatör komutları Telegram'da kullanılabilir.",

	"remind.text":   "Merhaba! \"{title}\" anketiniz henüz tamamlanmadı — {total} sorudan {answered} tanesini tamamladınız. Kaldığınız yerden devam etmek için aşağıya dokunun.",
	"remind.button": "Devam et",

	"error.internal": "Üzgünüz, bizim tarafımızda bir sorun oluştu. Şimdiye kadarki cevaplarınız kaydedildi; lütfen bir dakika sonra tekrar deneyin.",
}
