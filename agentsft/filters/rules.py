"""Rule lists of the heuristic filters, kept as data (regular expressions matched on lower-cased text).

Where the lists come from:

* The blacklist began as Self-Instruct's bare-word list (image, graph, picture, file, map, draw, plot, go to,
  video, audio, music, flowchart, diagram), widened with Chinese. Measured on a fresh clone (issue
  "Hardening", part 3) bare words dropped good text tasks ("the plot of Hamlet", "read a CSV file",
  "hash map", 链表/链接器, 读取CSV文件), so the words became intent patterns: a verb with a non-text
  object ("draw a", "watch the video", 打开链接, 听这段音频) or a reference to an object the model was
  not given ("this image", "the attached file", 这张图片, 根据下图, 上传的文件).
* The language rules (material markers, translation cues) were written for agentsft from the seed tasks
  in ``seeds/`` that quote code, identifiers or sentences to translate.
"""

from __future__ import annotations


# -- blacklist --------------------------------------------------------------------------------------------

# Non-text things, in English (and their Chinese names, for mixed text such as "Summarize the 视频").
# "_MEDIA" are objects a text model can neither see nor make.
_MEDIA = (r"(?:image|picture|photo|photograph|pic|screenshot|video|clip|footage|audio|recording|"
          r"voice (?:message|memo|note)|podcast episode|scan|qr code|视频|图片|照片|音频|录音|截图)")
_LINK = r"(?:link|url|hyperlink|web ?page|website|attachment)"
_VISUAL = (r"(?:image|picture|photo|photograph|drawing|painting|illustration|logo|icon|poster|infographic|"
           r"cartoon|comic|meme|sketch|chart|graph|diagram|flowchart|mind map|map|video|animation|gif|"
           r"audio|recording|screenshot)")
# Words after a media noun that make it text: "an image prompt", "a video script", "image compression".
_TEXTUAL_EN = (r"(?!s?\s+(?:prompt|caption|description|title|idea|concept|script|outline|brief|storyboard|"
               r"transcript|lyrics|alt|tagline|slogan|name|text|copy|compression|processing|format|library|"
               r"classifier|model|recognition|editor|editing|generator|generation|detection|api|player|codec|"
               r"streaming|dataset|game|games|industry|studio|call|conferencing|accessibility|theory|algorithm|database))")
# The start of an English clause: an imperative verb must stand here ("Plot the sales", not "the plot of").
_CLAUSE_EN = (r"(?:^|[.!?;:\n]\s*|\b(?:please|can you|could you|would you|will you|you to|help me|let's|"
              r"then|now)\s+)")
_DET = r"(?:the|this|that|these|those|my|our|your|a|an|some|following)"

# Always rejected: the task points at a non-text object the model was not given.
BLACKLIST_REFERENCE_EN = (
    rf"\b(?:this|that|these|those)\s+(?:[\w-]+\s+)?{_MEDIA}s?\b{_TEXTUAL_EN}",
    rf"\b(?:this|these)\s+{_LINK}s?\b{_TEXTUAL_EN}",
    r"\b(?:attached|enclosed|uploaded|linked)\s+(?:[\w-]+\s+)?(?:image|picture|photo|screenshot|video|clip|"
    r"audio|recording|scan|file|document|spreadsheet|pdf|csv|sheet|article|page|chart|diagram)s?\b",
    rf"\b(?:{_MEDIA}|chart|diagram|figure|painting|drawing)s?\s+(?:below|above|attached|provided|shown|here)\b",
    rf"\b(?:{_MEDIA}|file|document|pdf|spreadsheet|attachment)s?\s+(?:that\s+)?i(?:'ve| have)?\s+"
    r"(?:sent|shared|uploaded|attached|posted|gave you)\b",
    r"\b(?:look|looking)\s+at\s+(?:the|this|that|these|my|our)\s+(?:[\w-]+\s+)?(?:image|picture|photo|"
    rf"screenshot|chart|diagram|graph|figure|map|drawing|painting)s?\b{_TEXTUAL_EN}",
)
# Rejected unless the task asks for code (then the image, link or file is the program's business).
BLACKLIST_TASK_EN = (
    r"https?://|\bwww\.",
    # make something visual or audible
    rf"{_CLAUSE_EN}(?:draw|sketch|paint|doodle)\s+(?!(?:up|on|upon|from|out|in|attention)\b)"
    r"(?!(?:[\w-]+\s+)?(?:conclusion|comparison|parallel|distinction|inference|lesson|analogy|analogie|insight|contrast|"
    r"line between|outline|plan|proof|argument)s?\b)",
    rf"{_CLAUSE_EN}plot\s+(?:the|a|an|this|these|those|my|our|your|it|them|\w+\s+(?:against|versus|vs\.?|over|by))\b",
    rf"{_CLAUSE_EN}(?:take|snap|shoot|capture)\s+(?:a|an|the|some|\d+)?\s*(?:[\w-]+\s+)?(?:photo|picture|screenshot|"
    rf"video|selfie|image)s?\b{_TEXTUAL_EN}",
    rf"{_CLAUSE_EN}(?:record|film)\s+(?:a|an|the|yourself|me|some)?\s*(?:[\w-]+\s+)?(?:video|audio|clip|voice|"
    rf"podcast|vlog|song)s?\b{_TEXTUAL_EN}",
    rf"{_CLAUSE_EN}play\s+(?:me\s+)?(?:a|an|the|this|some|that)?\s*(?:[\w-]+\s+)?(?:song|music|audio|sound|"
    r"video|clip|recording|tune|melody)s?\b",
    rf"{_CLAUSE_EN}(?:create|generate|make|design|produce|render|show|send|give|build)\s+(?:me\s+|us\s+)?"
    rf"(?:a|an|the|some|one|two|three|\d+)?\s*(?:(?!of\s)[\w-]+\s+){{0,2}}?{_VISUAL}s?\b{_TEXTUAL_EN}",
    # see, hear or open it
    rf"\b(?:watch|listen to)\s+{_DET}\s+(?:[\w-]+\s+)?(?:video|clip|footage|movie|film|trailer|audio|"
    r"recording|song|track|podcast|voice (?:message|memo|note)|sound)s?\b",
    rf"\b(?:describe|caption|analy[sz]e|examine|summari[sz]e|transcribe|interpret)\s+"
    rf"(?:the|this|that|these|my|our|following)\s+(?:[\w-]+\s+)?{_MEDIA}s?\b{_TEXTUAL_EN}",
    rf"\bin\s+(?:the|this|my|these|that)\s+{_MEDIA}s?\b{_TEXTUAL_EN}",
    rf"{_CLAUSE_EN}(?:open|click(?:\s+on)?|visit|browse|follow|go to|check out|download)\s+{_DET}?\s*(?:[\w-]+\s+)?"
    rf"{_LINK}s?\b",
    rf"{_CLAUSE_EN}(?:send|give|share|provide|show)\s+(?:me\s+|us\s+)?(?:a|an|the|some|your)?\s*(?:website\s+|web\s+)?"
    r"(?:link|url)s?\b",
)

# Chinese. Media objects, and where a request begins (请/帮我… or the start of a clause).
_MEDIA_ZH = r"(?:图片|图像|照片|相片|截图|插图|视频|影片|短片|音频|录音|链接(?![器库表时错阶过])|网址|网页|附件|二维码)"
_CLAUSE_ZH = r"(?:^|[，。！？；：,.!?;:\n]\s*|请|帮我|帮忙|麻烦|给我|为我|替我|你能|能否|能不能|可以|你来|再)"
_VISUAL_ZH = (r"(?:图片|图像|照片|相片|插图|插画|海报|漫画|头像|壁纸|图标|logo|表情包|图表|柱状图|饼图|折线图|"
              r"流程图|思维导图|示意图|地图|视频|动画|短片|vlog|音频|录音|语音|截图|图(?![书层纸灵形]))")
# Text about a visual thing: "视频的步骤", "海报文案", "图片提示词".
_TEXTUAL_ZH = r"(?!的|文案|提示词|描述|脚本|标题|说明|配文|创意|方案|大纲|介绍|名称|风格|稿|文字|文本)"

BLACKLIST_REFERENCE_ZH = (
    rf"(?:这|那|(?<!应)该|下面的?|上面的?|以下的?|下方的?|上方的?)(?:一)?[张幅个段份条部首些]?{_MEDIA_ZH}",
    r"这(?:张|幅)图(?![书层纸])|这(?:条|段)语音",
    r"(?<![上下楼地])上图(?![书层纸标形像片])|(?<![上下楼地一])下图(?![书层纸标形像片])|如图(?:所示|中|\d|[，。,.:：])|见图\s*\d|附图",
    r"(?:(?:上传|发送|发给你|发你|我发|附上|提供给你)的|所附的?|随附的?)(?:这|那)?[张幅个段份条部些篇]?"
    r"(?:文件|图片|照片|视频|音频|录音|文档|表格|附件|截图|pdf|excel|压缩包)",
    r"附件(?:里|中|内|的内容|里面)",
    # "描述这幅画" names no painting; "《蒙娜丽莎》这幅画" does
    r"^(?!.*《).*这(?:幅|张)(?:画|油画|国画|水彩画|素描)(?!家)",
)
BLACKLIST_TASK_ZH = (
    rf"{_CLAUSE_ZH}(?:画|绘制|手绘)(?:出|一|个|张|幅|只|条|下|成)",
    rf"{_CLAUSE_ZH}绘制",
    rf"{_CLAUSE_ZH}(?:生成|制作|做|设计|创作|拍|拍摄|录制|录|剪辑|p)(?:一|几|两|三|个|张|幅|段|份|部|条|首){{0,2}}"
    rf"[^，。！？；\s]{{0,8}}?{_VISUAL_ZH}{_TEXTUAL_ZH}",
    rf"{_CLAUSE_ZH}(?:截图|截屏|截个图|截一张图)",
    rf"{_CLAUSE_ZH}(?:播放|放)(?:一|这)?[首段个]?(?:歌|音乐|音频|视频|录音)",
    rf"{_CLAUSE_ZH}(?:打开|点击|点开|访问|浏览|下载|查看)(?:一下)?(?:这个|这条|该|下面的?|以下的?|上面的?|"
    r"我们的|我的|你的|他们的|公司的?)?(?:链接|网址|网页|网站|官网|附件|超链接)",
    rf"{_CLAUSE_ZH}(?:听|收听|看|观看)(?:一下|一遍|下)?(?:这|那|下面的?|以下的?|我发的)[首段个部条]?"
    r"(?:歌|歌曲|音乐|曲子|视频|电影|片子|节目|播客)",
    r"(?<!短)(?:图片|照片|相片|截图|视频|录音|音频|图像)(?:里|中|上)(?:的|有|出现|是|写|显示)",
)

# A task that asks for code: making a chart or opening a file is then the program's job.
CODE_CUES = (
    r"(?<![a-z])(?:code|coding|program|script|class|regex|regular expression|python|javascript|typescript|"
    r"java|c\+\+|c#|golang|rust|sql|mysql|bash|shell|html|css|matplotlib|seaborn|pandas|numpy|opencv|pillow|"
    r"ffmpeg|selenium|api|library|snippet|implement)(?![a-z])",
    r"代码|程序|脚本|编程|正则|算法|命令行|接口",
)

# -- bad starts -------------------------------------------------------------------------------------------

# Meta-comments a weak model writes before (or instead of) a task. "以下是/下面是/here is" only counts when
# it announces tasks or answers ("以下是10个新任务"), not material ("下面是一篇文章，请总结").
BAD_STARTS_ZH = ("当然", "好的", "好，", "以上", "注意：", "示例任务", "新的任务", "回答：")
BAD_STARTS_EN = ("sure", "certainly", "okay", "ok,", "note:", "example tasks", "new task")
BAD_INTRO_ZH = r"^(?:以下是|下面是|这里是|这是)[^，。！？：:]{0,12}?(?:任务|指令|回答|答案)"
BAD_INTRO_EN = r"^here (?:are|is)\b[^,.;:!?]{0,40}?\b(?:tasks?|instructions?|prompts?|answers?|responses?)\b"

# -- language ---------------------------------------------------------------------------------------------

# Material a task quotes or processes: code, quoted spans, ASCII in brackets ("防抖（debounce）", "O(1)").
MATERIAL = (
    r"```.*?(?:```|$)", r"`[^`\n]+`",
    r"“[^”]*”", r"「[^」]*」", r"『[^』]*』", r"‘[^’]*’", r"《[^》]*》", r"\"[^\"\n]*\"",
    r"(?<![A-Za-z])'[^'\n]+'(?![A-Za-z])",
    r"\([^()\u3400-\u9fff]*\)", r"（[^（）\u3400-\u9fff]*）", r"\[[^\u3400-\u9fff]*\]",
)
# Identifiers are not words of a language: snake_case, dotted.names, camelCase, anything with a digit.
IDENTIFIER = (r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+|[A-Za-z0-9]*_[A-Za-z0-9_]*|"
              r"(?<![A-Za-z])[a-z]+[A-Z][A-Za-z0-9]*|[A-Za-z]*[0-9][A-Za-z0-9]*")
# A colon that introduces material (not "10:30", not "https://").
MATERIAL_COLON = r"(?<!\d)[:：](?!//)(?!\d)"
# A zh task that translates or explains foreign text: its Latin runs are material even unquoted.
TRANSLATE_CUE_ZH = r"翻译|译成|译为|译作|英译中|中译英|什么意思|意思是|怎么读|怎么说|中文意思"
TRANSLATE_CUE_EN = r"\b(?:translate|translation|into english|in english|mean|meaning|means|say)\b"
