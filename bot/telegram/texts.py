"""The Telegram channel's own interface strings (the engine's come from the packs).

Kept as plain dicts per language so a translator edits one file; every key exists in every
language (tests check), and ``t`` falls back to English rather than crashing.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh-Hans", "zh-Hant")
LANGUAGE_NAMES = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "card_now": "What to do now",
        "card_law": "What the law says: {title} — {law}.",
        "card_law_plain": "What they did: {title}.",
        "card_more": "{n} more below, one at a time.",
        "card_law_heading": "The law: {title}",
        "card_no_citation": "We cite no law for this one: no official text could be checked word for word, so this is practical advice.",
        "card_say_heading": "What to say on the next call, in this order:",
        "b_why": "Why / the law",
        "b_say": "What to say",
        "b_letter": "Letter for this",
        "b_steps": "All steps, where to complain",
        "next_heading": "What next? Your report is saved.",
        "m_log_call": "Log another call",
        "m_record": "My record",
        "m_new_report": "Start a new report",
        "m_last_results": "See my last results",
        "m_main_menu": "Main menu",
        "welcome_back": "Welcome back. Your last report is saved. What would you like to do?",
        "report_finished": "That report is finished and saved; it will not be changed. Start a new report for a new call.",
        "stale": "That button is from an earlier message. Nothing was changed.",
        "letter_pick": "Letters for this finding. Tap one:",
        "record_none": "No reports yet.",
        "record_heading": "Your record: {n} report(s).",
        "record_line": "{when}: {count} finding(s)",
        "first_screen": "Choose your language · 选择语言 · 選擇語言",
        "b_safe_continue": "I am safe now, continue",
        "b_talk_now": "Talk to someone now",
        "greeting": "Hello. This is <b>CallShield</b>. It stands beside you when debt "
        "collectors call: it asks what happened, tells you which rules they may have broken, "
        "what to say, and where to complain.\n\nThis is general information, <b>not legal "
        "advice</b>.\n\nWe store your answers and reports so you can continue later. "
        "Delete everything any time with /delete_my_data; get a copy with /export_my_data.",
        "choose_jurisdiction": "Where is the lender or collector? (You can change this later "
        "in Settings.)",
        "jurisdiction_saved": "Saved: {name}.",
        "menu": "What would you like to do?",
        "m_interview": "I just got a collection call",
        "m_add": "They called again",
        "m_diary": "My record of calls",
        "m_rights": "My rights",
        "m_letters": "Letters",
        "m_unsafe": "I feel unsafe",
        "m_settings": "Settings and privacy",
        "no_result": "You have not finished a report yet. Tap \u201cI just got a collection "
        "call\u201d to start one.",
        "letters_none": "Finish a report first (tap \u201cI just got a collection call\u201d): "
        "a letter is built from what you reported.",
        "letters_not_here": "We have no letters for this region yet. The guidance in your "
        "report still tells you where to complain.",
        "letters_menu": "Letters drafted from your reports. \u2b50 marks those that fit what "
        "you told us. Tap one to see it.",
        "detail_ask": "{prompt}\n\nType it, or tap \u201cSkip\u201d: the letter then shows a "
        "blank line to fill in by hand. What you type is kept with your data "
        "(/delete_my_data erases it).",
        "detail_saved": "Saved: {label}.",
        "detail_empty": "That was empty. Type the detail, or tap \u201cSkip\u201d.",
        "detail_too_long": "That is longer than {limit} characters. Please shorten it, or tap "
        "\u201cSkip\u201d.",
        "b_skip": "Skip",
        "letter_ready": "Your letter is below. Copy the text into a web form, or download it "
        "with the buttons at the end. It is a draft, <b>not legal advice</b>: check the facts "
        "and fill in the blanks before you send it.",
        "letter_download": "Download the letter:",
        "b_pdf": "Download PDF",
        "b_docx": "Download DOCX (editable)",
        "b_redo_details": "Re-enter my details",
        "s_details": "My letter details",
        "details_list": "The details your letters use. Tap one to change it; a skipped one "
        "prints as a blank to fill in by hand.",
        "details_none": "You have not given any letter details yet. The bot asks for them, "
        "once, when you draft a letter.",
        "detail_value": "{label}: {value}",
        "detail_skipped": "skipped",
        "b_change": "Change: {label}",
        "words_out": "Your own descriptions are not in the record attached to this letter "
        "(only dates, times, channels, numbers and names). They are:\n{words}",
        "words_in": "Your own descriptions are in the record attached to this letter, as "
        "shown above.",
        "b_words_in": "Add my own descriptions",
        "b_words_out": "Leave my own descriptions out",
        "b_other_letters": "Other letters",
        "letter_caption": "{title}. A draft, not legal advice.",
        "letter_gone": "That letter is not available any more. Here are the letters you can "
        "have now.",
        "letter_failed": "Sorry, we could not draft this letter: a mistake on our side, now "
        "noted (without your details). Your answers and reports are safe. You can choose "
        "another letter below, or see your rights and where to complain with /rights.",
        "letter_file_failed": "Sorry, we could not make this file: a mistake on our side, now "
        "noted (without your details). The letter's text above still works: copy it into a web "
        "form or an email. You can also try the other format, or choose another letter.",
        "settings": "Settings and privacy.\nLanguage: {lang_name}\nWhere: {jurisdiction}\n\n"
        "We store your answers, your reports, the details you give for letters and when you "
        "used the bot, encrypted and never shared. {retention} "
        "/export_my_data sends you a copy; /delete_my_data erases all of it.",
        "retention_off": "We keep it until you delete it.",
        "retention_days": "Reports are deleted {days} days after you make them, and answers "
        "and letter details you have not changed for {days} days.",
        "s_language": "Language",
        "s_jurisdiction": "Change where",
        "s_export": "Export my data",
        "s_delete": "Delete my data",
        "choose_language": "Choose your language:",
        "language_set": "Language: English.",
        "delete_confirm": "This erases everything we store about you: answers, reports, letter "
        "details and "
        "history. It cannot be undone. Are you sure?",
        "delete_yes": "Yes, delete everything",
        "deleted": "Done. Everything we stored about you is deleted.",
        "export_caption": "Everything we store about you.",
        "cannot_use": "Sorry, I can only read typed text and button taps here.",
        "private_only": "For your privacy, CallShield works only in a private chat. Please "
        "message me directly.",
        "help": "CallShield asks about a collection call and shows your rights.\n"
        "/start – menu\n/back – previous question\n/restart – start the report again\n"
        "/cancel – stop this report\n/rights – findings of your last report\n"
        "/letters – draft a complaint letter\n"
        "/add – they called again (add it to your record)\n/diary – your record of calls\n"
        "/export – your record as a PDF evidence report and CSV\n"
        "/language – change language\n/privacy – what we store\n"
        "/export_my_data – a copy of your data\n/delete_my_data – erase your data",
        "sorry": "Sorry, something went wrong on our side. Please try again in a moment.",
        "not_saved": "We could not save that — please try again in a while.",
        "ack_saved": "We are back — sorry for the wait. Your last answer was saved.",
        "written_before": "This message was sent before the question below was shown, so it "
                          "was not used as its answer. Your earlier answers are saved; please "
                          "answer the question below.",
        "edit_not_applied": "Edits to earlier messages are not applied. To change an answer, "
                            "use /back; otherwise send a new message.",
        "no_interview": "There is no report under way.",
        "jurisdiction_unknown": "Where is the lender or collector?",
    },
    "zh-Hans": {
        "card_now": "现在先做",
        "card_law": "法律怎么说：{title}——{law}。",
        "card_law_plain": "对方的做法：{title}。",
        "card_more": "下面还有 {n} 条，逐条说明。",
        "card_law_heading": "法律依据：{title}",
        "card_no_citation": "这一条我们不引用法条：没有能逐字核对的官方文本，所以这是实用建议。",
        "card_say_heading": "下次接电话时，按这个顺序说：",
        "b_why": "为什么 / 法律依据",
        "b_say": "怎么说",
        "b_letter": "为此写信",
        "b_steps": "全部步骤和投诉渠道",
        "next_heading": "接下来做什么？您的记录已保存。",
        "m_log_call": "再记一次来电",
        "m_record": "我的记录",
        "m_new_report": "开始新的记录",
        "m_last_results": "查看上次结果",
        "m_main_menu": "主菜单",
        "welcome_back": "欢迎回来。您上次的记录已保存。您想做什么？",
        "report_finished": "那次记录已完成并保存，不会再更改。新的来电请开始新的记录。",
        "stale": "这是之前消息上的按钮，没有做任何更改。",
        "letter_pick": "与这一条相关的信件，点一封：",
        "record_none": "还没有记录。",
        "record_heading": "您的记录：共 {n} 次。",
        "record_line": "{when}：{count} 条结论",
        "first_screen": "Choose your language · 选择语言 · 選擇語言",
        "b_safe_continue": "我现在安全了，继续",
        "b_talk_now": "现在就找人说说话",
        "greeting": "您好，这里是 <b>CallShield（来电护盾）</b>。遇到催收电话时，它陪在您身边："
        "询问发生了什么，告诉您对方可能违反了哪些规定、可以怎么说、可以向哪里投诉。\n\n"
        "这是一般信息，<b>不是法律意见</b>。\n\n我们会保存您的回答和记录，方便您以后继续。"
        "随时可用 /delete_my_data 删除全部数据，用 /export_my_data 获取副本。",
        "choose_jurisdiction": "贷款方或催收方在哪里？（以后可在设置中更改。）",
        "jurisdiction_saved": "已保存：{name}。",
        "menu": "您想做什么？",
        "m_interview": "我刚接到催收电话",
        "m_add": "他们又打来了",
        "m_diary": "我的来电记录",
        "m_rights": "我的权利",
        "m_letters": "信件",
        "m_unsafe": "我感到不安全",
        "m_settings": "设置与隐私",
        "no_result": "您还没有完成记录。点“我刚接到催收电话”开始。",
        "letters_none": "请先完成一次记录（点“我刚接到催收电话”）：信件根据您记录的内容起草。",
        "letters_not_here": "这个地区暂时没有信件模板。您记录中的指引仍会告诉您可以向哪里投诉。",
        "letters_menu": "根据您的记录起草的信件。\u2b50 表示与您所说情况相符的信件。点一封查看。",
        "detail_ask": "{prompt}\n\n请直接输入，或点“跳过”：信中会留一条空白，由您手写填上。"
        "您输入的内容与您的其他数据一起保存（/delete_my_data 可删除）。",
        "detail_saved": "已保存：{label}。",
        "detail_empty": "内容是空的。请输入，或点“跳过”。",
        "detail_too_long": "内容超过 {limit} 个字。请缩短，或点“跳过”。",
        "b_skip": "跳过",
        "letter_ready": "信件如下。可以把文字复制到网上投诉表单，也可以用最后的按钮下载。"
        "这是草稿，<b>不是法律意见</b>：发送前请核对事实并填写空白处。",
        "letter_download": "下载信件：",
        "b_pdf": "下载 PDF",
        "b_docx": "下载 DOCX（可编辑）",
        "b_redo_details": "重新填写我的信息",
        "s_details": "我的信件信息",
        "details_list": "您的信件使用的信息。点一项可以修改；跳过的项在信中留空，由您手写填上。",
        "details_none": "您还没有填写信件信息。起草信件时会问一次。",
        "detail_value": "{label}：{value}",
        "detail_skipped": "已跳过",
        "b_change": "修改：{label}",
        "words_out": "随信附上的联系记录里没有您自己写的描述（只有日期、时间、方式、号码和对方名称）。您写的是：\n{words}",
        "words_in": "随信附上的联系记录里包括您自己写的描述，如上所示。",
        "b_words_in": "加入我自己写的描述",
        "b_words_out": "不要加入我自己写的描述",
        "b_other_letters": "其他信件",
        "letter_caption": "{title}。草稿，不是法律意见。",
        "letter_gone": "这封信已不再提供。以下是您现在可以起草的信件。",
        "letter_failed": "抱歉，这封信暂时无法起草：是我们这边的错误，已记录（不含您的信息）。您的回答和记录都完好保存。"
        "您可以在下面选择其他信件，或用 /rights 查看您的权利和投诉渠道。",
        "letter_file_failed": "抱歉，这个文件暂时无法生成：是我们这边的错误，已记录（不含您的信息）。上面的信件文字仍然可用："
        "可以复制到网上表单或邮件里。您也可以试试另一种格式，或选择其他信件。",
        "settings": "设置与隐私。\n语言：{lang_name}\n地区：{jurisdiction}\n\n"
        "我们加密保存您的回答、记录、为信件填写的信息和使用时间，绝不分享。{retention}"
        "/export_my_data 发送副本；/delete_my_data 删除全部。",
        "retention_off": "数据会一直保存，直到您删除。",
        "retention_days": "记录在提交 {days} 天后自动删除；"
        "{days} 天未更改的回答和信件信息也会删除。",
        "s_language": "语言",
        "s_jurisdiction": "更改地区",
        "s_export": "导出我的数据",
        "s_delete": "删除我的数据",
        "choose_language": "请选择语言：",
        "language_set": "语言：简体中文。",
        "delete_confirm": "这会删除我们保存的关于您的一切：回答、记录、信件信息和历史，无法恢复。确定吗？",
        "delete_yes": "确定，全部删除",
        "deleted": "完成。我们保存的关于您的一切都已删除。",
        "export_caption": "我们保存的关于您的全部数据。",
        "cannot_use": "抱歉，这里我只能读取文字和按钮。",
        "private_only": "为保护您的隐私，CallShield 只在私聊中使用。请直接给我发消息。",
        "help": "CallShield 询问催收电话的情况并告诉您的权利。\n/start – 菜单\n/back – 上一个问题\n"
        "/restart – 重新开始\n/cancel – 停止本次记录\n/rights – 上次记录的结论\n"
        "/letters – 起草投诉信\n"
        "/add – 他们又打来了（记入记录）\n/diary – 我的来电记录\n/export – 记录导出为PDF证据报告和CSV\n"
        "/language – 切换语言\n/privacy – 我们保存什么\n/export_my_data – 数据副本\n"
        "/delete_my_data – 删除数据",
        "sorry": "抱歉，我们这边出了问题。请稍后再试。",
        "not_saved": "我们没能保存这条信息——请过一会儿再试。",
        "ack_saved": "我们回来了，抱歉让您久等。您上一条回答已保存。",
        "written_before": "这条信息是在下面的问题显示之前发出的，所以没有作为它的回答。"
                          "您之前的回答已保存；请回答下面的问题。",
        "edit_not_applied": "对之前消息的修改不会被采用。要更改回答，请用 /back；"
                            "或者发一条新消息。",
        "no_interview": "目前没有进行中的记录。",
        "jurisdiction_unknown": "贷款方或催收方在哪里？",
    },
    "zh-Hant": {
        "card_now": "現在先做",
        "card_law": "法律怎麼說：{title}——{law}。",
        "card_law_plain": "對方的做法：{title}。",
        "card_more": "下面還有 {n} 條，逐條說明。",
        "card_law_heading": "法律依據：{title}",
        "card_no_citation": "這一條我們不引用法條：沒有能逐字核對的官方文本，所以這是實用建議。",
        "card_say_heading": "下次接電話時，按這個順序說：",
        "b_why": "為什麼 / 法律依據",
        "b_say": "怎麼說",
        "b_letter": "為此寫信",
        "b_steps": "全部步驟和投訴管道",
        "next_heading": "接下來做什麼？您的紀錄已儲存。",
        "m_log_call": "再記一次來電",
        "m_record": "我的紀錄",
        "m_new_report": "開始新的紀錄",
        "m_last_results": "查看上次結果",
        "m_main_menu": "主選單",
        "welcome_back": "歡迎回來。您上次的紀錄已儲存。您想做什麼？",
        "report_finished": "那次紀錄已完成並儲存，不會再更改。新的來電請開始新的紀錄。",
        "stale": "這是之前訊息上的按鈕，沒有做任何更改。",
        "letter_pick": "與這一條相關的信件，點一封：",
        "record_none": "還沒有紀錄。",
        "record_heading": "您的紀錄：共 {n} 次。",
        "record_line": "{when}：{count} 條結論",
        "first_screen": "Choose your language · 选择语言 · 選擇語言",
        "b_safe_continue": "我現在安全了，繼續",
        "b_talk_now": "現在就找人說說話",
        "greeting": "您好，這裡是 <b>CallShield（來電護盾）</b>。遇到催收電話時，它陪在您身邊："
        "詢問發生了什麼，告訴您對方可能違反了哪些規定、可以怎麼說、可以向哪裡投訴。\n\n"
        "這是一般資訊，<b>不是法律意見</b>。\n\n我們會儲存您的回答和紀錄，方便您之後繼續。"
        "隨時可用 /delete_my_data 刪除全部資料，用 /export_my_data 取得副本。",
        "choose_jurisdiction": "貸款方或催收方在哪裡？（之後可在設定中更改。）",
        "jurisdiction_saved": "已儲存：{name}。",
        "menu": "您想做什麼？",
        "m_interview": "我剛接到催收電話",
        "m_add": "他們又打來了",
        "m_diary": "我的來電紀錄",
        "m_rights": "我的權利",
        "m_letters": "信件",
        "m_unsafe": "我感到不安全",
        "m_settings": "設定與隱私",
        "no_result": "您還沒有完成紀錄。點「我剛接到催收電話」開始。",
        "letters_none": "請先完成一次紀錄（點「我剛接到催收電話」）：信件根據您紀錄的內容起草。",
        "letters_not_here": "這個地區暫時沒有信件範本。您紀錄中的指引仍會告訴您可以向哪裡投訴。",
        "letters_menu": "根據您的紀錄起草的信件。\u2b50 表示與您所說情況相符的信件。點一封查看。",
        "detail_ask": "{prompt}\n\n請直接輸入，或點「略過」：信中會留一條空白，由您手寫填上。"
        "您輸入的內容與您的其他資料一起儲存（/delete_my_data 可刪除）。",
        "detail_saved": "已儲存：{label}。",
        "detail_empty": "內容是空的。請輸入，或點「略過」。",
        "detail_too_long": "內容超過 {limit} 個字。請縮短，或點「略過」。",
        "b_skip": "略過",
        "letter_ready": "信件如下。可以把文字複製到網上投訴表單，也可以用最後的按鈕下載。"
        "這是草稿，<b>不是法律意見</b>：傳送前請核對事實並填寫空白處。",
        "letter_download": "下載信件：",
        "b_pdf": "下載 PDF",
        "b_docx": "下載 DOCX（可編輯）",
        "b_redo_details": "重新填寫我的資料",
        "s_details": "我的信件資料",
        "details_list": "您的信件使用的資料。點一項可以修改；略過的項在信中留空，由您手寫填上。",
        "details_none": "您還沒有填寫信件資料。起草信件時會問一次。",
        "detail_value": "{label}：{value}",
        "detail_skipped": "已略過",
        "b_change": "修改：{label}",
        "words_out": "隨信附上的聯絡紀錄裡沒有您自己寫的描述（只有日期、時間、方式、號碼和對方名稱）。您寫的是：\n{words}",
        "words_in": "隨信附上的聯絡紀錄裡包括您自己寫的描述，如上所示。",
        "b_words_in": "加入我自己寫的描述",
        "b_words_out": "不要加入我自己寫的描述",
        "b_other_letters": "其他信件",
        "letter_caption": "{title}。草稿，不是法律意見。",
        "letter_gone": "這封信已不再提供。以下是您現在可以起草的信件。",
        "letter_failed": "抱歉，這封信暫時無法起草：是我們這邊的錯誤，已記錄（不含您的資料）。您的回答和紀錄都完好保存。"
        "您可以在下面選擇其他信件，或用 /rights 查看您的權利和投訴管道。",
        "letter_file_failed": "抱歉，這個檔案暫時無法產生：是我們這邊的錯誤，已記錄（不含您的資料）。上面的信件文字仍然可用："
        "可以複製到網上表單或郵件裡。您也可以試試另一種格式，或選擇其他信件。",
        "settings": "設定與隱私。\n語言：{lang_name}\n地區：{jurisdiction}\n\n"
        "我們加密儲存您的回答、紀錄、為信件填寫的資料和使用時間，絕不分享。{retention}"
        "/export_my_data 傳送副本；/delete_my_data 刪除全部。",
        "retention_off": "資料會一直保存，直到您刪除。",
        "retention_days": "紀錄在提交 {days} 天後自動刪除；"
        "{days} 天未更改的回答和信件資料也會刪除。",
        "s_language": "語言",
        "s_jurisdiction": "更改地區",
        "s_export": "匯出我的資料",
        "s_delete": "刪除我的資料",
        "choose_language": "請選擇語言：",
        "language_set": "語言：繁體中文。",
        "delete_confirm": "這會刪除我們儲存的關於您的一切：回答、紀錄、信件資料和歷史，無法復原。確定嗎？",
        "delete_yes": "確定，全部刪除",
        "deleted": "完成。我們儲存的關於您的一切都已刪除。",
        "export_caption": "我們儲存的關於您的全部資料。",
        "cannot_use": "抱歉，這裡我只能讀取文字和按鈕。",
        "private_only": "為保護您的隱私，CallShield 只在私人聊天中使用。請直接傳訊息給我。",
        "help": "CallShield 詢問催收電話的情況並告訴您的權利。\n/start – 選單\n/back – 上一個問題\n"
        "/restart – 重新開始\n/cancel – 停止本次紀錄\n/rights – 上次紀錄的結論\n"
        "/letters – 起草投訴信\n"
        "/add – 他們又打來了（記入紀錄）\n/diary – 我的來電紀錄\n/export – 紀錄匯出為PDF證據報告和CSV\n"
        "/language – 切換語言\n/privacy – 我們儲存什麼\n/export_my_data – 資料副本\n"
        "/delete_my_data – 刪除資料",
        "sorry": "抱歉，我們這邊出了問題。請稍後再試。",
        "not_saved": "我們沒能儲存這則訊息——請過一會兒再試。",
        "ack_saved": "我們回來了，抱歉讓您久等。您上一則回答已儲存。",
        "written_before": "這則訊息是在下面的問題顯示之前發出的，所以沒有作為它的回答。"
                          "您之前的回答已儲存；請回答下面的問題。",
        "edit_not_applied": "對之前訊息的修改不會被採用。要更改回答，請用 /back；"
                            "或者發一則新訊息。",
        "no_interview": "目前沒有進行中的紀錄。",
        "jurisdiction_unknown": "貸款方或催收方在哪裡？",
    },
}

COMMANDS: dict[str, list[tuple[str, str]]] = {
    "en": [("start", "Menu"), ("back", "Previous question"), ("restart", "Start the report again"),
           ("cancel", "Stop this report"), ("help", "Help"), ("language", "Change language"),
           ("rights", "My rights"), ("letters", "Draft a letter"), ("add", "They called again"),
           ("diary", "My record of calls"), ("export", "Evidence report (PDF, CSV)"),
           ("privacy", "What we store"),
           ("delete_my_data", "Erase my data"), ("export_my_data", "A copy of my data")],
    "zh-Hans": [("start", "菜单"), ("back", "上一个问题"), ("restart", "重新开始"),
                ("cancel", "停止本次记录"), ("help", "帮助"), ("language", "切换语言"),
                ("rights", "我的权利"), ("letters", "起草信件"), ("add", "他们又打来了"),
                ("diary", "我的来电记录"), ("export", "证据报告（PDF、CSV）"),
                ("privacy", "我们保存什么"),
                ("delete_my_data", "删除我的数据"), ("export_my_data", "导出我的数据")],
}

JURISDICTION_NAMES = {
    "cn": {"en": "Mainland China", "zh-Hans": "中国大陆", "zh-Hant": "中國大陸"},
    "us": {"en": "United States", "zh-Hans": "美国", "zh-Hant": "美國"},
    "elsewhere": {"en": "Elsewhere", "zh-Hans": "其他地区", "zh-Hant": "其他地區"},
}


_retention_days: int | None = None
"""CALLSHIELD_RETENTION_DAYS, set once at start by the command line (bot/cli.py)."""


def set_retention_days(days: int | None) -> None:
    global _retention_days
    _retention_days = days


def retention_sentence(language: str | None) -> str:
    """How long we keep what the user told us, in their language."""
    days = _retention_days
    return t(language, "retention_off") if days is None else t(
        language, "retention_days", days=str(days))


def t(language: str | None, key: str, **values: str) -> str:
    """An interface string in the user's language (English when unknown). ``{retention}``
    in a string is filled with :func:`retention_sentence`."""
    table = TEXTS.get(language or "en", TEXTS["en"])
    text = table.get(key) or TEXTS["en"][key]
    if "{retention}" in text:
        values.setdefault("retention", retention_sentence(language))
    return text.format(**values) if values else text


def language_from_code(code: str | None) -> str:
    """Telegram's language_code to one of ours: zh-cn/zh-sg/zh → zh-Hans, zh-tw/hk → zh-Hant."""
    code = (code or "").lower().replace("_", "-")
    if code in {"zh-tw", "zh-hk", "zh-mo", "zh-hant"} or code.startswith("zh-hant"):
        return "zh-Hant"
    if code == "zh" or code.startswith("zh"):
        return "zh-Hans"
    return "en"
