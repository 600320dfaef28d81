"""The rule half of the task typer, kept as data: weighted regular expressions per task type.

Every pattern is matched (``re.search``) on the lower-cased, NFKC-normalised *instruction*; a hit adds its
weight to that type's score. Weights: 3 = decisive (the instruction names the task: 翻译, "summarize",
"classify"), 2 = strong, 1 = a hint the nearest seeds may overrule. ``INPUT_RULES`` look at the input as
well (code in the material makes a code task). Written for agentsft from the task shapes in ``seeds/`` and
tuned on the dev halves of ``evals/typing/data`` (never on the held-out halves).
"""

from __future__ import annotations

from agentsft.schema import TaskType as T

RULES: dict[T, tuple[tuple[str, float], ...]] = {
    T.TRANSLATION: (
        (r"翻译|译成|译为|翻成|译文|英译|中译|汉译", 4.5),
        (r"用(自然的|地道的)?(英语|英文|中文|汉语|日语|法语|德语|西班牙语|韩语)(怎么|如何)(说|表达|讲)|用中文告诉我|"
         r"这句(日语|英语|英文|法语|西班牙语|德语|韩语)", 3),
        (r"\b(simplified|traditional) chinese\b", 2),
        (r"(?<![a-z])translat(e|es|ed|ing|ion)(?![a-z])", 4.5),
        (r"(?<![a-z])(into|in) (english|chinese|mandarin|french|spanish|german|japanese|korean|italian)\b[^?]*$", 1),
        (r"(?<![a-z])(say|put|render)\b.*\b(in|into) (english|chinese|french|spanish|german|japanese)\b", 3),
        (r"\b(mean|say)s? in english\b", 2),
    ),
    T.CODE: (
        (r"代码|编程", 1),
        (r"代码|编程|(?<!应用)程序(?!员)|函数|脚本|正则|算法实现|sql|python|java|javascript|c\+\+|golang|shell命令|bash", 2),
        (r"(?<![a-z])(code|function|script|program|regex|regular expression|sql query|unit tests?|bug|"
         r"implement|refactor|compile|debug)(s|es|d|ed|ing)?(?![a-z])", 2),
        (r"(?<![a-z])(python|javascript|typescript|java|sql|bash|c\+\+|rust|golang|html|css)(?![a-z+])", 1),
    ),
    T.SUMMARIZATION: (
        (r"总结|概括|摘要|归纳|提炼|精简成|压缩成|简述|要点|写一个标题|起一个标题|拟一个标题|主要内容", 3),
        (r"整理成.{0,6}(简洁|简短|步骤|要点|时间线)|简化成.{0,3}(条|点|句)|讲清楚.{0,16}(发生了什么|说了什么)|核心(观点|诉求|内容)", 2),
        (r"(?<![a-z])(summar|tl;?dr|key points|main points|gist|condense|recap)", 3),
        (r"\bin (one|a single|two|three|a few) (sentence|line)s?\b", 2),
        (r"(?<![a-z])(headline|title) for (this|the)", 2),
    ),
    T.PARAPHRASE: (
        (r"改写|润色|换一种说法|换个说法|同义词|同义句|重写|转述|重述|改成|改为|扩写|缩写|替换|改得|说得更|变成.{0,6}(语气|风格|口吻)", 3),
        (r"删去|删掉|拆成.{0,6}(短句|句子)|换.{0,3}种.{0,4}说法", 2),
        (r"(different|other|\d+|three|two|several) ways? to (say|word|phrase|express)|\bsay (it|this) differently", 3),
        (r"(?<![a-z])(rewrite|rephrase|paraphrase|reword|polish|proofread|simplify|shorten)", 3),
        (r"(?<![a-z])(make|turn) (this|it|the following)\b.{0,30}\b(more|less|sound|into)\b", 2),
        (r"(?<![a-z])(change|convert) (this|these|the following)?\s?.{0,30}\b(to|into) (the )?(active|passive|past|future|"
         r"present|formal|informal|plain)", 3),
    ),
    T.CLASSIFICATION: (
        (r"分类(?!任务|器|模型|算法|问题)|归类|归入|归到|分为.{0,8}(类|组)|分成.{0,8}(类|组)|属于哪|哪一类|哪一种|哪个类别|情感倾向|正面还是负面|情感分类|情感极性|(正面|积极)(、|和|或|/)(负面|消极)", 3),
        (r"判断.{0,30}(是否|是不是|属于|还是|正确|错误)|(是|属于).{1,12}还是.{1,12}[？?]?$", 2),
        (r"只(能)?(回答|输出)", 2),
        (r"从.{1,40}中(选|挑)(择)?(一个|一项)?", 1),
        (r"“[^”]{1,12}”\s*(、|，|,|或|和|还是|或者)?\s*“[^”]{1,12}”", 3),
        (r"\b(answer|reply|respond) with (just |only )?(one of|either|one word)\b|\bone of: ", 3),
        (r"\b\w+, \w+,? or \w+\??$", 2),
        (r"\bidentify which\b|\bof the following,? (identify|which|tell)\b|\bwhich of (these|the following) (is|are)\b", 3),
        (r"[:?]\s*([\w' -]{1,25},\s*){2,}(and |or )?[\w' -]{1,25}[.?]?$", 2),
        (r"(?<![a-z])(classif|categori[sz]|label (each|the|this))", 3),
        (r"\b(which|what) (of (these|the following|them)|ones?)\b.{0,60}\b(are|is|were|was)\b", 2),
        (r"\bwhich (is|are) (a|an) (species|type|kind|breed|form|member)\b|\bwhich word is different\b|"
         r"\bodd one out\b|\bdifferent from the rest\b", 3),
        (r"\b(identify|tell me|decide|determine)\b.{0,40}\b(whether|which|if)\b.{0,80}\b(or|either)\b", 2),
        (r"\bpositive,? (or )?negative|\bsentiment\b|\b(spam|phishing|clickbait)\b", 2),
        (r"\bis (it|this|the following)\b.{0,60}\b(a |an )?\w+ or (a |an )?\w+\??$", 1),
        (r"^[^,?]{3,60}\bor [^,?]{2,30}\?$", 1),
    ),
    T.EXTRACTION: (
        (r"提取|抽取|摘出|找出.{0,20}(所有|全部|中的|里的|中出现)|列出.{0,20}(提到|出现)的|(中|里)提到的", 3),
        (r"(?<![a-z])(extract|pull out|pull the|note down|parse out)", 3),
        (r"\b(list|name|find|identify)\b.{0,50}\b(mentioned|from the (text|passage|paragraph|article|email|"
         r"following))\b", 2),
        (r"\bfrom (the|this) (passage|text|paragraph|article|reference)\b", 1),
        (r"\bfind (all|every|each)\b", 2),
        (r"json", 1),
    ),
    T.ROLEPLAY: (
        (r"扮演|假设你是|假如你是|想象你是|以.{1,12}的(身份|口吻|角度)|用.{1,12}的口吻", 3),
        (r"^(你是|现在你是|作为)(一)?(名|位|个)", 2),
        (r"^(你是|你在|现在你是).{2,30}[。，,].*请(你)?(回复|回答|以|用|像|热情|给|在|安慰|解说|讲解)", 3),
        (r"^(you are|you're) (the|a|an) .{2,40}[.,]", 2),
        (r"(?<![a-z])(role-?play|pretend (you are|to be)|act as|imagine you are|you are an?\b|you're an?\b|"
         r"you're an|as a [a-z]+ (reply|respond|answer))", 3),
    ),
    T.REASONING: (
        (r"推理|推断|逻辑|证明|谜题|找规律|悖论|概率|真话|假话|说谎|漏洞", 2),
        (r"排成一排|顺序是什么|已知[：:]|假币|天平|结论.{0,10}(问题|漏洞)|量出|相遇|夹角|是.{1,4}的\d+(\.\d+)?倍|都能参加|"
         r"只有一(个|人)", 3),
        (r"\bcan either\b.{0,80}\bor\b|\beach (have|has|own|chose|picked) a different\b|shakes? hands|handshakes|"
         r"\bfills? (a|the) \w+ in \d+|\bdrains?\b.{0,40}\bempt", 3),
        (r"(?<![a-z])(logic|puzzle|riddle|deduce|prove|syllogism|premises?|fallacy|probability)", 2),
        (r"\bdoes (the|this) conclusion follow\b|\bwhich one doesn.t belong\b", 3),
    ),
    T.GENERATION: (
        (r"(?<![改重缩扩抄续])(写|创作|撰写|编写)(一|几|两|三|五)?(首|篇|段|封|份|个|则|句)?.{0,18}(诗|故事|文章|作文|短文|随笔|散文|信|邮件|文案|"
         r"广告|演讲|讲稿|致辞|祝福|贺词|对话|剧本|歌词|口号|宣传语|标语|台词|小说|童话|寓言|笑话|段子|报道|新闻稿|"
         r"博客|手册|说明书|提纲|大纲|简介|介绍信|邀请|感谢信|评语|推文|标题|FAQ|faq|问题|段落|段话|文字)", 3.5),
        (r"头脑风暴", 4),
        (r"(列举|列出|举出|给出|提供|推荐|告诉我|给我)(出)?.{0,4}(\d+|[二三四五六七八九十几两])(个|种|条|项|款|本|部|首|点|件)", 2),
        (r"推荐|^(请)?(思考|构想|设想|想象|设计|策划)|造句", 2),
        (r"(提供|提出|给出|制定|想出).{0,10}(解决方案|方案|计划|策略)", 2.5),
        (r"(哪些|什么)(方法|办法|措施|途径|技巧)", 1.5),
        (r"创意|点子|主意|起(个|几个|一个)?名|取(个|几个|一个)?名|想(几|一些|出|个|一个|.{0,2}(个|条|句|种))|列(一个|个)?(提纲|大纲)|出(个|几个)?主意", 3),
        (r"(给|提)(出|供)?(我)?(一些|几个|几条|几点|五个|三个|\d+个|一份|一个).{0,12}(建议|方法|办法|技巧|想法|方案|策略|计划|"
         r"观点|提示|点子|例子|常识|事实|小贴士)", 2),
        (r"(列举|列出|提出|想出|罗列)(出)?.{0,16}(方法|建议|办法|技巧|想法|方案|策略|方式|点子|理由|措施|步骤|问题|观点)", 2),
        (r"生成(一|几)?(篇|段|个|份|组|句)", 2),
        (r"(描述|描绘|讲述|讲)(一下|一个|一段|一次)", 0.5),
        (r"(?<![a-z])(write|compose|draft|pen|author)\b.{0,40}\b(poem|haiku|limerick|sonnet|story|tale|essay|email|e-mail|"
         r"letter|note|speech|toast|blog|post|article|tweet|ad|advert|slogan|tagline|jingle|song|lyrics|script|"
         r"dialogue|description|review|bio|invitation|outline|paragraph|joke|message|caption|cover letter|"
         r"announcement|proposal|plan|itinerary)s?\b", 3),
        (r"(?<![a-z])(brainstorm|come up with|think of|suggest|give me (some|a few|\d+|a list of|ideas|tips)|"
         r"ideas? for|list (some|a few|\d+|several)|what are (some|a few|\d+) (ways|ideas|tips|things|reasons|"
         r"good|fun|great|creative)|name (some|a few|\d+)|create (a|an)\b)", 2),
        (r"(?<![a-z])(poem|haiku|limerick|short story|slogans?|taglines?|itinerary)\b", 2),
    ),
    T.QA: (
        (r"是什么|什么是|为什么|为何|怎么回事|有什么区别|区别是什么|解释|什么意思|是谁|哪里|哪一年|多少|何时|哪个|哪些|哪种|"
         r"怎样|如何|怎么|吗[？?]?$|呢[？?]?$|[？?]$", 1),
        (r"概念|定义|原理|含义|是指", 1.5),
        (r"选择题|multiple.choice", 2),
        (r"^(what|who|when|where|why|how|which|is|are|does|do|did|can|should|explain|describe|define|tell me about)"
         r"(?![a-z])", 1),
    ),
}

# Patterns looked for in the input (the material, not the ask); together they add at most 2.
INPUT_RULES: dict[T, tuple[tuple[str, float], ...]] = {
    T.CODE: (
        (r"代码|源码|(?<![a-z])code(?![a-z])", 1.5),
        (r"^\s*(def |class |import |from \w+ import|public static|#include|function |const |let |select .* from)", 2),
        (r"```|\bdef \w+\(|console\.log|system\.out|print\(", 2),
    ),
}

# Arithmetic word problems: a calculator is worth calling (tool use). Needs two numbers and one of these.
ARITH_KEYS: tuple[str, ...] = (
    "计算", "多少钱", "多少元", "多少千米", "多少米", "多少升", "多少克", "多少亩", "多少", "总共", "一共", "平均", "折扣", "打折", "利息", "面积", "体积", "百分之",
    "calculate", "compute", "how much", "how many", "total", "average", "percent", "interest", "discount",
    "area", "volume", "convert", "cost", "price", "tax", "per gallon", "per hour", "%",
)
# A bare arithmetic expression (10 ÷ 2 × (5-2)^2 + 7).
ARITH_EXPR = r"\d+(\.\d+)?\s*[-+×x*/÷^]\s*\(?\d+(\.\d+)?\)?\s*[-+×x*/÷^=]"
