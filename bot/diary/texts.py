"""What the diary says, in every interface language (Telegram and the console share it).

``{tap}`` is "tap" in Telegram and "type" in the console (bot/diary/view.py fills it).
Every key exists in every language (tests check); :func:`d` falls back to English.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "m_add": "They called again",
        "m_diary": "My record of calls",
        "add_channel": "They contacted you again. How?",
        "add_when": "When?",
        "w_now": "Just now",
        "w_today": "Earlier today",
        "w_yesterday": "Yesterday",
        "c_other": "Other / not sure",
        "added": "Added to your record: {when}, {channel}. Your record now has {total} "
        "contact{s1} on {days} day{s2}.\n\nType a few words about it if you like (what they said, "
        "who they called), or send a screenshot, a photo or a voice message: it is kept as "
        "evidence.",
        "note_saved": "Saved with that entry.",
        "proposal": "It sounds like they contacted you again ({summary}). Add it to your "
        "record?",
        "b_yes_add": "Yes, add it",
        "b_no": "No",
        "proposal_dropped": "Not added.",
        "proposal_added": "Added to your record.",
        "file_kept": "Kept as evidence with your entry of {day} ({kind}). We keep Telegram's "
        "copy of the file; its fingerprint (SHA-256) goes into your evidence report.",
        "file_new_entry": "Kept as evidence in a new entry for today ({kind}). It is not "
        "counted as a contact: if it shows a new call or message, add that with \u201cThey "
        "called again\u201d.",
        "file_too_big": "This file is larger than 20 MB, which a bot cannot fetch again later. "
        "Please send a smaller copy or a screenshot.",
        "empty": "Your record is empty. {tap} \u201cThey called again\u201d each time they "
        "contact you: it takes three taps, and the record becomes your evidence.",
        "summary": "Your record: {total} contact{s1} on {days} day{s2}. "
        "Most in one day: {max_day}. "
        "Most in any 7 days: {max_7_days}. At night: {night}. To other people: {third}.",
        "day_head": "{day}: {n} contact(s)",
        "more_lines": "… {n} earlier that day (all are in the evidence report)",
        "page": "Page {n} of {of}",
        "b_older": "\u25c0 Older",
        "b_newer": "Newer \u25b6",
        "b_export": "Evidence report (PDF and CSV)",
        "b_delete_some": "Delete an entry",
        "b_add": "They called again",
        "pick_delete": "Which entry should be deleted?",
        "delete_confirm": "Delete the entry of {what}? Its note and files go too. This "
        "cannot be undone.",
        "b_delete_yes": "Yes, delete it",
        "deleted": "Deleted. Your record now has {total} contacts.",
        "gone": "That entry is not there any more.",
        "not_deleted": "Nothing was deleted.",
        "export_caption": "Your evidence report: every contact you recorded, by day. Keep it "
        "safe; it may be shown to the police, a regulator or a court.",
        "csv_caption": "The same record as a spreadsheet (CSV).",
        "reminder_offer": "Would you like a reminder?",
        "reminder_set": "I will remind you on {due}.\n{tap} \u201cCancel reminder\u201d below "
        "if you change your mind.",
        "b_cancel_reminder": "Cancel reminder",
        "reminder_cancelled": "The reminder is cancelled.",
        "reminder_gone": "That reminder was already sent or cancelled.",
        "night": "night",
        "third": "others contacted",
        "from_report": "report",
        "pdf_title": "Record of debt-collection contacts",
        "pdf_intro": "Kept by the person contacted, with CallShield. Each line was recorded "
        "when it happened or soon after. Times are local ({zone}).",
        "pdf_chart": "Contacts per day",
        "col_date": "Date",
        "col_time": "Time",
        "col_channel": "How",
        "col_who": "Who (number, name)",
        "col_n": "Contacts",
        "col_others": "Others contacted",
        "col_what": "What was said",
        "col_files": "Files (SHA-256)",
        "generated": "Made on {date}. Not legal advice.",
        "files_head": "Files kept as evidence",
    },
    "zh-Hans": {
        "m_add": "他们又打来了",
        "m_diary": "我的来电记录",
        "add_channel": "他们又联系您了。是怎么联系的？",
        "add_when": "什么时候？",
        "w_now": "刚才",
        "w_today": "今天早些时候",
        "w_yesterday": "昨天",
        "c_other": "其他／不确定",
        "added": "已记入您的记录：{when}，{channel}。您的记录现在共有{total}次联系，分布在{days}天。"
        "\n\n如果愿意，可以打几个字说说经过（他们说了什么、打给了谁），或者发截图、照片、语音：都会作为证据保存。",
        "note_saved": "已和这条记录一起保存。",
        "proposal": "听起来他们又联系您了（{summary}）。要记入您的记录吗？",
        "b_yes_add": "好，记下来",
        "b_no": "不用",
        "proposal_dropped": "没有记录。",
        "proposal_added": "已记入您的记录。",
        "file_kept": "已作为证据保存在{day}的记录里（{kind}）。文件由Telegram保存；它的指纹（SHA-256）"
        "会写进您的证据报告。",
        "file_new_entry": "已作为证据保存在今天的一条新记录里（{kind}）。它不算一次联系；如果它显示了新的来电或信息，请用“他们又打来了”记下。",
        "file_too_big": "这个文件超过20 MB，机器人以后无法再取回。请发一个小一点的文件或截图。",
        "empty": "您的记录还是空的。每次他们联系您，{tap}“他们又打来了”：只要点三下，这些记录就是您的证据。",
        "summary": "您的记录：共{total}次联系，分布在{days}天。一天最多{max_day}次。任意7天内最多{max_7_days}次。"
        "夜间{night}次。联系其他人{third}次。",
        "day_head": "{day}：{n}次",
        "more_lines": "… 当天更早的{n}条（证据报告里都有）",
        "page": "第{n}页，共{of}页",
        "b_older": "\u25c0 更早",
        "b_newer": "更近 \u25b6",
        "b_export": "证据报告（PDF和CSV）",
        "b_delete_some": "删除一条记录",
        "b_add": "他们又打来了",
        "pick_delete": "要删除哪一条？",
        "delete_confirm": "删除{what}的这条记录吗？它的文字和文件也会一起删除，无法恢复。",
        "b_delete_yes": "确定删除",
        "deleted": "已删除。您的记录现在共有{total}次联系。",
        "gone": "这条记录已经不在了。",
        "not_deleted": "没有删除任何内容。",
        "export_caption": "您的证据报告：按日期列出您记录的每一次联系。请妥善保存，可以提供给公安机关、监管部门或法院。",
        "csv_caption": "同样的记录，表格格式（CSV）。",
        "reminder_offer": "需要提醒吗？",
        "reminder_set": "我会在{due}提醒您。\n如果改变主意，{tap}下面的“取消提醒”。",
        "b_cancel_reminder": "取消提醒",
        "reminder_cancelled": "提醒已取消。",
        "reminder_gone": "这个提醒已经发出或取消了。",
        "night": "夜间",
        "third": "联系了其他人",
        "from_report": "报告",
        "pdf_title": "催收联系记录",
        "pdf_intro": "由被联系人本人用CallShield记录。每一条都是当时或事后不久记下的。时间为当地时间（{zone}）。",
        "pdf_chart": "每天的联系次数",
        "col_date": "日期",
        "col_time": "时间",
        "col_channel": "方式",
        "col_who": "对方（号码、名称）",
        "col_n": "次数",
        "col_others": "联系的其他人",
        "col_what": "说了什么",
        "col_files": "文件（SHA-256）",
        "generated": "生成于{date}。不是法律意见。",
        "files_head": "作为证据保存的文件",
    },
    "zh-Hant": {
        "m_add": "他們又打來了",
        "m_diary": "我的來電紀錄",
        "add_channel": "他們又聯絡您了。是怎麼聯絡的？",
        "add_when": "什麼時候？",
        "w_now": "剛才",
        "w_today": "今天稍早",
        "w_yesterday": "昨天",
        "c_other": "其他／不確定",
        "added": "已記入您的紀錄：{when}，{channel}。您的紀錄現在共有{total}次聯絡，分布在{days}天。"
        "\n\n如果願意，可以打幾個字說說經過（他們說了什麼、打給了誰），或者傳截圖、照片、語音：都會作為證據保存。",
        "note_saved": "已和這筆紀錄一起保存。",
        "proposal": "聽起來他們又聯絡您了（{summary}）。要記入您的紀錄嗎？",
        "b_yes_add": "好，記下來",
        "b_no": "不用",
        "proposal_dropped": "沒有記錄。",
        "proposal_added": "已記入您的紀錄。",
        "file_kept": "已作為證據保存在{day}的紀錄裡（{kind}）。檔案由Telegram保存；它的指紋（SHA-256）"
        "會寫進您的證據報告。",
        "file_new_entry": "已作為證據保存在今天的一筆新紀錄裡（{kind}）。它不算一次聯絡；如果它顯示了新的來電或訊息，請用「他們又打來了」記下。",
        "file_too_big": "這個檔案超過20 MB，機器人以後無法再取回。請傳一個小一點的檔案或截圖。",
        "empty": "您的紀錄還是空的。每次他們聯絡您，{tap}「他們又打來了」：只要點三下，這些紀錄就是您的證據。",
        "summary": "您的紀錄：共{total}次聯絡，分布在{days}天。一天最多{max_day}次。任意7天內最多{max_7_days}次。"
        "夜間{night}次。聯絡其他人{third}次。",
        "day_head": "{day}：{n}次",
        "more_lines": "… 當天更早的{n}筆（證據報告裡都有）",
        "page": "第{n}頁，共{of}頁",
        "b_older": "\u25c0 更早",
        "b_newer": "更近 \u25b6",
        "b_export": "證據報告（PDF和CSV）",
        "b_delete_some": "刪除一筆紀錄",
        "b_add": "他們又打來了",
        "pick_delete": "要刪除哪一筆？",
        "delete_confirm": "刪除{what}的這筆紀錄嗎？它的文字和檔案也會一起刪除，無法復原。",
        "b_delete_yes": "確定刪除",
        "deleted": "已刪除。您的紀錄現在共有{total}次聯絡。",
        "gone": "這筆紀錄已經不在了。",
        "not_deleted": "沒有刪除任何內容。",
        "export_caption": "您的證據報告：按日期列出您記錄的每一次聯絡。請妥善保存，可以提供給警方、監管機關或法院。",
        "csv_caption": "同樣的紀錄，表格格式（CSV）。",
        "reminder_offer": "需要提醒嗎？",
        "reminder_set": "我會在{due}提醒您。\n如果改變主意，{tap}下面的「取消提醒」。",
        "b_cancel_reminder": "取消提醒",
        "reminder_cancelled": "提醒已取消。",
        "reminder_gone": "這個提醒已經發出或取消了。",
        "night": "夜間",
        "third": "聯絡了其他人",
        "from_report": "報告",
        "pdf_title": "催收聯絡紀錄",
        "pdf_intro": "由被聯絡人本人用CallShield記錄。每一筆都是當時或事後不久記下的。時間為當地時間（{zone}）。",
        "pdf_chart": "每天的聯絡次數",
        "col_date": "日期",
        "col_time": "時間",
        "col_channel": "方式",
        "col_who": "對方（號碼、名稱）",
        "col_n": "次數",
        "col_others": "聯絡的其他人",
        "col_what": "說了什麼",
        "col_files": "檔案（SHA-256）",
        "generated": "產生於{date}。不是法律意見。",
        "files_head": "作為證據保存的檔案",
    },
}
TAP = {"en": ("Tap", "Type"), "zh-Hans": ("点", "输入"), "zh-Hant": ("點", "輸入")}


def lang_of(language: str | None) -> str:
    return language if language in TEXTS else "en"


def d(language: str | None, key: str, **values: object) -> str:
    """A diary string in the user's language, ``{…}`` filled from ``values``."""
    lang = lang_of(language)
    text = TEXTS[lang].get(key) or TEXTS["en"][key]
    return text.format(**values) if values else text
